using Centrifuge.Losses;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Losses;

public class PermutationInvariantLossTests
{
    public PermutationInvariantLossTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 2)]
    [InlineData(4, 3)]
    public void Matches_brute_force_over_all_injective_assignments(int n, int k)
    {
        using var scope = NewDisposeScope();
        var outputs = Reference.Random(10 + n, 2, n, 3, 3, 5, 6);
        var targets = Reference.Random(20 + k, 2, k, 3, 3, 5, 6);
        var result = PermutationInvariantLoss.Compute(outputs, targets);
        Dense o = new(outputs), t = new(targets), perSample = new(result.PerSample);
        Assert.Equal(new long[] { 2 }, perSample.Shape);
        Assert.Empty(result.Loss.shape);
        for (int b = 0; b < 2; b++)
        {
            var (loss, assignment) = Reference.Pit(o, t, b);
            Assert.Equal(loss, perSample.Data[b], 5);
            Assert.Equal(assignment, result.Assignment[b]);
        }
        Assert.Equal(perSample.Data.Average(), result.Loss.item<float>(), 5);
        Assert.Equal(new long[] { 2, k, n }, result.Pairwise!.shape);
    }

    [Fact]
    public void Permuting_outputs_or_targets_leaves_the_loss_unchanged_and_moves_the_assignment()
    {
        using var scope = NewDisposeScope();
        var outputs = Reference.Random(31, 2, 4, 3, 3, 5, 6);
        var targets = Reference.Random(32, 2, 2, 3, 3, 5, 6);
        var baseline = PermutationInvariantLoss.Compute(outputs, targets);

        long[] outputOrder = { 2, 0, 3, 1 };   // new output p is old output outputOrder[p]
        var permutedOutputs = outputs.index_select(1, tensor(outputOrder));
        var byOutputs = PermutationInvariantLoss.Compute(permutedOutputs, targets);
        Assert.True(byOutputs.PerSample.allclose(baseline.PerSample, rtol: 1e-6, atol: 1e-7));
        for (int b = 0; b < 2; b++)
            Assert.Equal(baseline.Assignment[b], byOutputs.Assignment[b].Select(p => (int)outputOrder[p]).ToArray());

        var swappedTargets = targets.index_select(1, tensor(new long[] { 1, 0 }));
        var byTargets = PermutationInvariantLoss.Compute(outputs, swappedTargets);
        Assert.True(byTargets.PerSample.allclose(baseline.PerSample, rtol: 1e-6, atol: 1e-7));
        for (int b = 0; b < 2; b++)
            Assert.Equal(baseline.Assignment[b].Reverse().ToArray(), byTargets.Assignment[b]);
    }

    [Fact]
    public void Gradient_flows_only_through_the_winning_assignment()
    {
        using var scope = NewDisposeScope();
        var targets = Reference.Random(41, 2, 2, 3, 3, 5, 6);
        // Outputs 1 and 3 of each sample are noisy copies of the targets, so they win; 0 and 2 are unrelated.
        var noise = Reference.Random(42, 2, 4, 3, 3, 5, 6);
        var start = noise.clone();
        start[.., 3] = targets[.., 0] + 0.05f * noise[.., 3];
        start[.., 1] = targets[.., 1] + 0.05f * noise[.., 1];
        var outputs = start.detach().requires_grad_(true);

        var result = PermutationInvariantLoss.Compute(outputs, targets);
        Assert.Equal(new[] { 3, 1 }, result.Assignment[0]);
        Assert.Equal(new[] { 3, 1 }, result.Assignment[1]);
        result.Loss.backward();
        var grad = outputs.grad!;
        Assert.Equal(0.0, grad[.., 0].abs().max().item<float>());   // exactly zero, not merely small
        Assert.Equal(0.0, grad[.., 2].abs().max().item<float>());

        // The winners' gradients equal those of their own term alone: d/dO3 [ l(V0, O3) / B ].
        var alone = start.detach().requires_grad_(true);
        (ReconstructionLoss.PerSample(targets[.., 0], alone[.., 3]).sum() / 2).backward();
        Assert.True(alone.grad![.., 3].abs().sum().item<float>() > 0);
        Assert.True(grad[.., 3].allclose(alone.grad![.., 3], rtol: 1e-5, atol: 1e-8));
    }

    [Fact]
    public void Matched_returns_outputs_in_target_order()
    {
        using var scope = NewDisposeScope();
        var outputs = Reference.Random(51, 2, 3, 3, 2, 4, 4);
        var matched = PermutationInvariantLoss.Matched(outputs, new[] { new[] { 2, 0 }, new[] { 1, 2 } });
        Assert.Equal(new long[] { 2, 2, 3, 2, 4, 4 }, matched.shape);
        Assert.True(matched[0, 0].eq(outputs[0, 2]).all().item<bool>());
        Assert.True(matched[0, 1].eq(outputs[0, 0]).all().item<bool>());
        Assert.True(matched[1, 0].eq(outputs[1, 1]).all().item<bool>());
        Assert.True(matched[1, 1].eq(outputs[1, 2]).all().item<bool>());
    }

    [Fact]
    public void Assignments_are_all_distinct_injective_maps_identity_first()
    {
        var all = InjectiveAssignments.Enumerate(4, 2);
        Assert.Equal(12, all.Count);
        Assert.Equal(new[] { 0, 1 }, all[0]);
        Assert.Equal(12, all.Select(a => string.Join(",", a)).Distinct().Count());
        Assert.All(all, a => Assert.NotEqual(a[0], a[1]));
        Assert.Equal(665_280, InjectiveAssignments.Count(12, 6));
        Assert.Equal(0, InjectiveAssignments.Count(2, 3));
        Assert.Equal(long.MaxValue, InjectiveAssignments.Count(40, 40));
    }

    [Fact]
    public void Layer_counts_from_configuration_fail_with_a_clear_centrifuge_exception()
    {
        using var scope = NewDisposeScope();
        var twoOutputs = zeros(new long[] { 1, 2, 3, 2, 4, 4 });
        var e = Assert.Throws<CentrifugeException>(() => PermutationInvariantLoss.Compute(twoOutputs, zeros(new long[] { 1, 3, 3, 2, 4, 4 })));
        Assert.Equal(ExitCodes.IncompatibleModel, e.ExitCode);
        Assert.Contains("n = 2", e.Message);
        Assert.Contains("k = 3", e.Message);

        e = Assert.Throws<CentrifugeException>(() => PermutationInvariantLoss.Compute(twoOutputs, zeros(new long[] { 1, 0, 3, 2, 4, 4 })));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);

        // n = 12, k = 6: 665 280 assignments; refused before any tensor work.
        e = Assert.Throws<CentrifugeException>(() => InjectiveAssignments.Validate(12, 6));
        Assert.Contains("665280 assignments", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        e = Assert.Throws<CentrifugeException>(() => PermutationInvariantLoss.Compute(
            zeros(new long[] { 1, 12, 1, 1, 2, 2 }), zeros(new long[] { 1, 6, 1, 1, 2, 2 })));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Fact]
    public void Mismatched_tensors_are_argument_exceptions()
    {
        using var scope = NewDisposeScope();
        var outputs = zeros(new long[] { 2, 3, 3, 4, 5, 6 });
        Assert.Throws<ArgumentException>(() => PermutationInvariantLoss.Compute(outputs, zeros(new long[] { 2, 2, 3, 3, 5, 6 })));  // T
        Assert.Throws<ArgumentException>(() => PermutationInvariantLoss.Compute(outputs, zeros(new long[] { 2, 2, 3, 4, 4, 6 })));  // H
        Assert.Throws<ArgumentException>(() => PermutationInvariantLoss.Compute(outputs, zeros(new long[] { 2, 2, 3, 4, 5, 5 })));  // W
        Assert.Throws<ArgumentException>(() => PermutationInvariantLoss.Compute(outputs, zeros(new long[] { 1, 2, 3, 4, 5, 6 })));  // B
        Assert.Throws<ArgumentException>(() => PermutationInvariantLoss.Compute(outputs, zeros(new long[] { 2, 3, 4, 5, 6 })));     // rank
    }
}
