using Centrifuge.Data;
using Centrifuge.Models;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainingCheckpointTests
{
    private static (CentrifugeModel Model, OptimizerHelper Optimizer) Trained(TrainingConfig config, int steps)
    {
        torch.manual_seed(config.Seed);
        var model = CentrifugeModel.Create(config.Model);
        var optimizer = TrainingOptimizer.Create(config, model.parameters());
        using var data = SyntheticShapesBatches.From(config);
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            BlendedBatch batch = data.Training(i);
            optimizer.zero_grad();
            Tensor outputs = model.forward(batch.Mixture);
            Centrifuge.Losses.PermutationInvariantLoss.Compute(outputs, batch.Targets).Loss.backward();
            optimizer.step();
        }
        return (model, optimizer);
    }

    private static void AssertSameTensors(nn.Module a, nn.Module b)
    {
        var sa = a.state_dict();
        var sb = b.state_dict();
        Assert.Equal(sa.Keys.Order(), sb.Keys.Order());
        foreach (string key in sa.Keys) Assert.True(sa[key].eq(sb[key]).all().item<bool>(), $"{key} differs");
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void RoundTripRestoresWeightsOptimizerStateAndTrainingState(OptimizerKind kind)
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(10, kind);
        var (model, optimizer) = Trained(config, 3);
        var state = new TrainingState { Iteration = 3, LoaderPosition = 3, LrScale = 0.5, BestValidationLoss = 0.25, BestIteration = 2, Config = config };
        string path = dir.File("a.ckpt");
        TrainingCheckpoint.Save(path, model, optimizer, state);

        // A different model and fresh optimizer; loading makes both identical to the saved ones.
        torch.manual_seed(99);
        var other = CentrifugeModel.Create(config.Model);
        var otherOptimizer = TrainingOptimizer.Create(config, other.parameters());
        torch.manual_seed(1234);   // the RNG state is restored too
        TrainingState loaded = TrainingCheckpoint.Load(path, other, otherOptimizer);

        AssertSameTensors(model, other);
        Assert.Equal(3, loaded.Iteration);
        Assert.Equal(3, loaded.LoaderPosition);
        Assert.Equal(0.5, loaded.LrScale);
        Assert.Equal(0.25, loaded.BestValidationLoss);
        Assert.Equal(config.Iterations, loaded.Config.Iterations);
        Assert.NotEmpty(loaded.TorchRngState);
        Assert.Equal(TrainingCheckpoint.ReadState(path).TorchRngState, loaded.TorchRngState);

        // Optimizer state (momentum buffers / Adam moments and step) equal: one more identical step stays identical.
        var (m1, o1) = (model, optimizer);
        foreach (var (m, o) in new[] { (m1, o1), (other, otherOptimizer) })
        {
            using var scope = NewDisposeScope();
            using var data = SyntheticShapesBatches.From(config);
            BlendedBatch batch = data.Training(3);
            o.zero_grad();
            Centrifuge.Losses.PermutationInvariantLoss.Compute(m.forward(batch.Mixture), batch.Targets).Loss.backward();
            o.step();
        }
        AssertSameTensors(model, other);
    }

    [Fact]
    public void ATrainingCheckpointGivenAsAModelIsNamedAsSuch()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(10);
        var (model, optimizer) = Trained(config, 1);
        string path = dir.File("step-000000001.ckpt");
        TrainingCheckpoint.Save(path, model, optimizer, new TrainingState { Iteration = 1, Config = config });
        var e = Assert.Throws<CentrifugeException>(() => ModelCheckpoint.Load(path));
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
        Assert.Contains($"{path}: a training checkpoint", e.Message);   // it used to say "bad header"
        Assert.Contains("best.ckpt", e.Message);
    }

    [Fact]
    public void AWriteInterruptedMidwayLeavesThePreviousCheckpointLoadable()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(10);
        var (model, optimizer) = Trained(config, 1);
        var store = new CheckpointStore(dir.File("checkpoints"), keep: 3);
        string good = store.Save(model, optimizer, new TrainingState { Iteration = 1, LoaderPosition = 1, Config = config });

        // The next write dies after a few kilobytes (as a crash would), on the same final name and on a new one.
        store.OpenTemp = temp => new FailingStream(new FileStream(temp, FileMode.Create), failAfterBytes: 4096);
        Assert.Equal(ExitCodes.WriteFailed, Assert.Throws<CentrifugeException>(() => store.Save(model, optimizer, new TrainingState { Iteration = 1, LoaderPosition = 1, Config = config })).ExitCode);
        Assert.Equal(ExitCodes.WriteFailed, Assert.Throws<CentrifugeException>(() => store.Save(model, optimizer, new TrainingState { Iteration = 2, LoaderPosition = 2, Config = config })).ExitCode);
        Assert.Equal([good], store.List().Select(c => c.Path));
        Assert.Empty(Directory.GetFiles(store.Folder, ".*.tmp-*"));

        var fresh = CentrifugeModel.Create(config.Model);
        var freshOptimizer = TrainingOptimizer.Create(config, fresh.parameters());
        var loaded = store.LoadLatest(fresh, freshOptimizer, RunEvents.None);
        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.Value.State.Iteration);
        AssertSameTensors(model, fresh);
    }

    [Fact]
    public void ATruncatedCheckpointIsRejectedAndResumeFallsBackToThePreviousOne()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(10);
        var (model, optimizer) = Trained(config, 1);
        var store = new CheckpointStore(dir.File("checkpoints"), keep: 3);
        store.Save(model, optimizer, new TrainingState { Iteration = 1, LoaderPosition = 1, Config = config });
        string newest = store.Save(model, optimizer, new TrainingState { Iteration = 2, LoaderPosition = 2, Config = config });
        // Simulate a file cut short (say, copied by hand from a dying disk).
        byte[] bytes = File.ReadAllBytes(newest);
        File.WriteAllBytes(newest, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<CentrifugeException>(() => TrainingCheckpoint.ReadState(newest));
        Assert.Contains("incomplete", error.Message);
        var warnings = new List<string>();
        var loaded = store.LoadLatest(model, optimizer, RunEvents.Of(e => warnings.Add(((RunNote)e).Text)));
        Assert.Equal(1, loaded!.Value.State.Iteration);
        Assert.Equal(2, warnings.Count);
        Assert.Contains(Path.GetFileName(newest), warnings[0]);
        Assert.Contains("falling back to", warnings[1]);
    }

    [Fact]
    public void KeepsOnlyTheLastKCheckpoints()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(10);
        var (model, optimizer) = Trained(config, 1);
        var store = new CheckpointStore(dir.File("checkpoints"), keep: 2);
        for (int i = 1; i <= 4; i++) store.Save(model, optimizer, new TrainingState { Iteration = i, Config = config });
        Assert.Equal([3L, 4L], store.List().Select(c => c.Iteration));
    }

    [SkippableFact]
    public void AFullDiskIsReportedInOneLineAndTheLastGoodCheckpointIsKept()
    {
        Skip.IfNot(File.Exists("/dev/full"), "/dev/full (a device that always answers ENOSPC) is not available");
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(10);
        var (model, optimizer) = Trained(config, 1);
        var store = new CheckpointStore(dir.File("checkpoints"), keep: 3);
        string good = store.Save(model, optimizer, new TrainingState { Iteration = 1, Config = config });

        // Writes to /dev/full fail with the real ENOSPC error from the kernel.
        store.OpenTemp = _ => new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);
        var error = Assert.Throws<CentrifugeException>(() => store.Save(model, optimizer, new TrainingState { Iteration = 2, Config = config }));
        Assert.Equal(ExitCodes.WriteFailed, error.ExitCode);
        Assert.Contains("no space left on device", error.Message);
        Assert.Contains(good, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal([good], store.List().Select(c => c.Path));
        Assert.Equal(1, TrainingCheckpoint.ReadState(good).Iteration);
    }

    /// <summary>A stream that throws after a number of bytes, like a process dying mid-write.</summary>
    private sealed class FailingStream(Stream inner, long failAfterBytes) : Stream
    {
        private long _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_written + count > failAfterBytes) throw new IOException("simulated crash mid-write");
            inner.Write(buffer, offset, count);
            _written += count;
        }
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
