using Centrifuge.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Models;

/// <summary>LiveBatchNorm computes what TorchSharp's BatchNorm2d / 3d compute, under the same names.</summary>
public class LiveBatchNormTests
{
    [Theory]
    [InlineData(5, 0.1)]
    [InlineData(4, 0.01)]
    [InlineData(5, null)]   // a cumulative average, as PreciseBatchNorm uses it
    public void It_matches_TorchSharp_s_batch_norm_in_training_and_evaluation(int rank, double? momentum)
    {
        torch.manual_seed(21);
        using BatchNorm reference = rank == 5 ? nn.BatchNorm3d(4, eps: 1e-3, momentum: momentum ?? 0.1) : nn.BatchNorm2d(4, eps: 1e-3, momentum: momentum ?? 0.1);
        using var live = new LiveBatchNorm(4, rank, eps: 1e-3, momentum: momentum ?? 0.1);
        reference.momentum = live.momentum = momentum;
        Assert.Equal(Shapes(reference), Shapes(live));
        using (torch.no_grad())
            foreach ((string name, Tensor value) in reference.state_dict())
                if (value.is_floating_point()) value.uniform_(0.5, 1.5);   // weights and statistics away from 1 and 0
        live.load_state_dict(reference.state_dict());

        long[] shape = rank == 5 ? [3, 4, 2, 5, 6] : [3, 4, 5, 6];
        for (int step = 0; step < 3; step++)
        {
            using var scope = torch.NewDisposeScope();
            Tensor x = torch.randn(shape).Times(2).Plus(step);
            Assert.True(reference.forward(x).allclose(live.forward(x), rtol: 1e-6, atol: 1e-6), $"training step {step}");
        }
        foreach ((string name, Tensor value) in reference.state_dict())
            Assert.True(value.allclose(live.state_dict()[name], rtol: 1e-6, atol: 1e-6), name);
        Assert.Equal(3, live.num_batches_tracked!.item<long>());

        reference.eval();
        live.eval();
        using Tensor y = torch.randn(shape);
        using Tensor expected = reference.forward(y), actual = live.forward(y);
        Assert.True(expected.allclose(actual, rtol: 1e-6, atol: 1e-6));
        Assert.Throws<ArgumentException>(() => live.forward(torch.zeros(rank == 5 ? [2, 4, 3, 3] : [2, 4, 2, 3, 3])));
    }

    private static string[] Shapes(nn.Module module) =>
        [.. module.state_dict().Select(p => $"{p.Key} [{string.Join(", ", p.Value.shape)}] {p.Value.dtype}").Order(StringComparer.Ordinal)];
}
