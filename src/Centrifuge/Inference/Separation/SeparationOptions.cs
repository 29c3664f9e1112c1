using Centrifuge.Models;

namespace Centrifuge.Inference.Separation;

/// <summary>
/// How <see cref="Separator"/> processes a video. Processing and output resolution are separate: the model runs at
/// short side <see cref="ProcessingShortSide"/> (the paper's 224) and the layers are scaled back to the input's size
/// (or <see cref="OutputShortSide"/>) when written.
/// </summary>
public sealed record SeparationOptions
{
    /// <summary>Short side the model sees (never above the input's own short side: inputs are not upscaled).</summary>
    public int ProcessingShortSide { get; init; } = DefaultShortSide;

    /// <summary>The processing short side for a model that does not record the scale it was trained at (the paper's 224).</summary>
    public const int DefaultShortSide = 224;

    /// <summary>
    /// <paramref name="requested"/> when given, else the short side <paramref name="checkpoint"/> (or the .onnx file
    /// exported from one) was trained at (its frames were stored at that short side and cropped), else
    /// <see cref="DefaultShortSide"/>.
    /// </summary>
    public static int ShortSideFor(string checkpoint, int? requested) =>
        requested ?? (IsOnnx(checkpoint)
            ? Centrifuge.Export.OnnxExporter.ReadTrainingScale(checkpoint)?.ShortSide
            : Centrifuge.Models.ModelCheckpoint.ReadTrainingScale(checkpoint)?.ShortSide) ?? DefaultShortSide;

    /// <summary>
    /// <paramref name="requested"/> when given, else the default strength <paramref name="checkpoint"/> (or the .onnx
    /// file exported from one) records, else 1: the model's own layers (<see cref="StrengthSetting"/>).
    /// </summary>
    public static StrengthSetting StrengthFor(string checkpoint, StrengthSetting? requested) =>
        requested ?? RecordedStrength(checkpoint) ?? StrengthSetting.Full;

    /// <summary>
    /// The default strength <paramref name="model"/> (a checkpoint or an .onnx export) records, or null when it records
    /// none or does not exist (loading it says what is wrong, after the options are checked).
    /// </summary>
    public static StrengthSetting? RecordedStrength(string model) =>
        !File.Exists(model) ? null
        : IsOnnx(model) ? Centrifuge.Export.OnnxExporter.ReadStrength(model) : Centrifuge.Models.ModelCheckpoint.ReadStrength(model);

    private static bool IsOnnx(string model) => model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>The strength of the layers, fixed or per window: sets <see cref="Strength"/> and <see cref="AdaptiveStrength"/> together.</summary>
    public StrengthSetting Strengths
    {
        get => new(Strength, AdaptiveStrength);
        init => (Strength, AdaptiveStrength) = (value.Fixed, value.Adaptive);
    }

    /// <summary>Short side of the written layers; null = the input's own resolution.</summary>
    public int? OutputShortSide { get; init; }

    /// <summary>T, frames per window (the paper trains on 64-frame clips; 32 keeps CPU memory modest).</summary>
    public int WindowFrames { get; init; } = 32;

    /// <summary>O, frames shared by consecutive windows, aligned on and cross-faded over (1 &lt;= O &lt;= T/2).</summary>
    public int OverlapFrames { get; init; } = 8;

    public CrossFadeShape CrossFade { get; init; } = CrossFadeShape.RaisedCosine;

    /// <summary>Match each window's layers to the previous window's (off only for ablations).</summary>
    public bool AlignLayers { get; init; } = true;

    /// <summary>Also separate each window's flipped and/or time-reversed views and average the aligned layers (<see cref="TestTimeAugmentations"/>).</summary>
    public TestTimeAugmentation TestTimeAugmentation { get; init; } = TestTimeAugmentation.None;

    /// <summary>How far the layers move from the input towards the model's (<see cref="LayerStrength"/>): 1 = the model's layers, 0 = the input itself.</summary>
    public double Strength { get; init; } = LayerStrength.Full;

    /// <summary>A strength per window instead (`--strength auto`, <see cref="Models.AdaptiveStrength"/>), or null; needs <see cref="Strength"/> 1.</summary>
    public AdaptiveStrength? AdaptiveStrength { get; init; }

    /// <summary>Replace an existing output folder.</summary>
    public bool Force { get; init; }

    /// <summary>Rows (frames) of contact.png.</summary>
    public int ContactFrames { get; init; } = 4;

    /// <summary>libx264 quality and speed of the written layers (veryfast: encoding n + 1 streams competes with the model for the CPU).</summary>
    public int Crf { get; init; } = 18;
    public string EncoderPreset { get; init; } = "veryfast";

    /// <summary>Frames per chunk when scaling and encoding finished frames (bounds the memory of full-resolution frames).</summary>
    public int WriteChunkFrames { get; init; } = 8;

    public void Validate()
    {
        _ = new WindowPlanner(WindowFrames, OverlapFrames);
        LayerStrength.Validate(Strength, AdaptiveStrength);
        if (ProcessingShortSide < 8)
            throw new OptionException("processing_short_side", ProcessingShortSide, "need at least 8 pixels");
        if (OutputShortSide is < 2)
            throw new OptionException("output_short_side", OutputShortSide, "need at least 2 pixels");
        if (ContactFrames < 1 || WriteChunkFrames < 1)
            throw new CentrifugeException("contact frames and write chunk must be positive", ExitCodes.Usage);
    }
}
