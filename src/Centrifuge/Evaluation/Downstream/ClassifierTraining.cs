using System.Diagnostics;
using Centrifuge.Data;
using Centrifuge.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Evaluation.Downstream;

/// <summary>
/// The labels of the downstream test: class (folder) labels when the held-out videos have at least two classes
/// that the training videos also have; otherwise each held-out source video is its own class (our data has no
/// action labels), and the classifier learns from other clips (random offsets, crops, flips) of those videos.
/// <see cref="ClassOf"/> maps a store video index to its class.
/// </summary>
public sealed record ClipLabels(ClipPool TrainOn, IReadOnlyDictionary<int, int> ClassOf, IReadOnlyList<string> Classes, string Kind)
{
    public static ClipLabels For(ClipPool train, ClipPool heldOut)
    {
        string LabelOf(ClipPool pool, int i) => pool.Store.Videos[i].Source.Label;
        var heldOutLabels = heldOut.Moving.Select(i => LabelOf(heldOut, i)).Distinct().Order(StringComparer.Ordinal).ToList();
        var trainLabels = train.Moving.Select(i => LabelOf(train, i)).ToHashSet(StringComparer.Ordinal);
        if (heldOutLabels.Count >= 2 && heldOutLabels.All(trainLabels.Contains))
        {
            var classes = trainLabels.Order(StringComparer.Ordinal).ToList();
            var index = classes.Select((c, k) => (c, k)).ToDictionary(x => x.c, x => x.k, StringComparer.Ordinal);
            // Train and held-out pools share one store, so one map serves both.
            var map = train.Moving.Concat(heldOut.Moving).Distinct().ToDictionary(i => i, i => index.GetValueOrDefault(LabelOf(train, i), -1));
            return new ClipLabels(train, map, classes, "class (folder name)");
        }
        var videos = heldOut.Moving.ToList();
        return new ClipLabels(heldOut, videos.Select((v, k) => (v, k)).ToDictionary(x => x.v, x => x.k),
            videos.Select(v => Path.GetFileName(heldOut.Store.Videos[v].Source.Path)).ToList(), "source video");
    }
}

/// <summary>Trains a <see cref="ClipClassifier"/> on clean clips with cross-entropy (Adam) for a time budget.</summary>
public static class ClassifierTraining
{
    public sealed record Outcome(ClipClassifier Classifier, long Iterations, double Seconds, double FinalLoss);

    /// <summary>
    /// Each step draws <see cref="DataConfig.BatchSize"/> training-mode samples of two clips (random offsets, crops and
    /// flips; a pure function of seed and step) and learns the class of all 2B clips.
    /// </summary>
    public static Outcome Train(ClipLabels labels, DataConfig clips, TimeSpan budget, long? maxIterations, long seed,
        Device device, IRunEvents? events = null)
    {
        DataConfig config = clips with { Layers = 2 };
        torch.manual_seed(seed);
        var classifier = new ClipClassifier(labels.Classes.Count);
        classifier.to(device);
        classifier.train();
        using var optimizer = new LiveScalarOptimizers.Adam(classifier.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0);
        BlendRecipe recipe = BlendRecipe.Train with { Kinds = [LayerKind.Moving, LayerKind.Moving] };
        var clock = Stopwatch.StartNew();
        long step = 0;
        double loss = double.NaN;
        while ((maxIterations is null || step < maxIterations) && (step == 0 || clock.Elapsed < budget))
        {
            using var scope = torch.NewDisposeScope();
            var plans = Enumerable.Range(0, config.BatchSize)
                .Select(b => BlendComposer.Plan(labels.TrainOn, config, recipe, seed, step, b)).ToList();
            using BlendedBatch batch = LayerRenderer.Render(labels.TrainOn, config, plans);
            Tensor x = batch.Targets.flatten(0, 1).to(device);   // [2B, 3, T, H, W] clean clips
            long[] y = plans.SelectMany(p => p.Layers.Select(l => (long)labels.ClassOf[l.Video])).ToArray();
            optimizer.zero_grad();
            Tensor l = nn.functional.cross_entropy(classifier.forward(x), torch.tensor(y, device: device));
            l.backward();
            optimizer.step();
            loss = l.item<float>();
            step++;
            if (step % 50 == 0) events.Note($"  classifier: iteration {step}, loss {loss:F4}, {clock.Elapsed.TotalSeconds:F0} s of {budget.TotalSeconds:F0} s");
        }
        classifier.eval();
        events.Note($"  classifier: {step} iterations in {clock.Elapsed.TotalSeconds:F0} s, last loss {loss:F4}");
        return new Outcome(classifier, step, clock.Elapsed.TotalSeconds, loss);
    }
}
