
namespace Centrifuge.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Runtime.TorchRuntime.PrepareProcess();   // before anything can load libtorch
        return CliApp.Run(args);
    }
}
