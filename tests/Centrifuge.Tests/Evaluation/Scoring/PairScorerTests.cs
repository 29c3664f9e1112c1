using Centrifuge.Data;
using Centrifuge.Evaluation.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Evaluation.Scoring;

public class PairScorerTests
{
    [Fact]
    public void A_contender_whose_layers_are_not_finite_is_reported_naming_the_pair_and_the_likely_cause()
    {
        torch.manual_seed(3);
        Tensor targets = torch.rand([2, 2, 3, 2, 8, 8]) * 2 - 1;                   // [B, k, 3, T, H, W]
        Tensor mixture = targets.mean([1]);                                       // [B, 3, T, H, W]
        var batch = new BlendedBatch(mixture, targets, torch.full([2, 2], 0.5), [["a", "b"], ["c", "d"]]);
        // The second pair's layers are NaN (as wrong CPU kernels gave them on AMD Zen 5, issue 27).
        Tensor NaNOnSecond(Tensor x) => torch.stack([x, x], 1) * torch.tensor(new[] { 1.0f, float.NaN }).view(2, 1, 1, 1, 1, 1);

        var e = Assert.Throws<CentrifugeException>(() => PairScorer.PerPair([batch], [Contender.Identity, new Contender("model", NaNOnSecond)]));

        Assert.Equal(ExitCodes.NonFiniteOutput, e.ExitCode);
        Assert.Contains("model's layers are not finite (NaN or infinite) on pair 2 (c + d)", e.Message);
        Assert.Contains("kernel self-check", e.Message);
    }
}
