using System.CommandLine;
using Centrifuge.Inference.Separation;
using Centrifuge.Models;
using Centrifuge.Runtime;

namespace Centrifuge.Cli;

/// <summary>
/// Options shared by several commands, each declared once: the same flag means the same thing, with the same
/// description and default, wherever it appears. <see cref="Compute"/> reads --device, --precision and --threads into the
/// one record the library applies.
/// </summary>
public static class CommonOptions
{
    /// <summary>
    /// --model: the checkpoint a command runs (a .onnx export where the command takes one). Absent means the shipped
    /// model (<see cref="ModelOrShipped"/>), unless the command says what it means instead (<paramref name="absent"/>).
    /// </summary>
    public static Option<string?> Model(string? absent = null) => new("--model")
    {
        Description = $"Model checkpoint, e.g. RUN_DIR/best.ckpt (default: {absent ?? $"{ShippedModel.RelativePath} or ${ShippedModel.EnvironmentVariable}"})",
    };

    /// <summary>The checkpoint --model names, else the shipped model (a one-line error when there is none).</summary>
    public static string ModelOrShipped(ParseResult parse, Option<string?> model) => parse.GetValue(model) ?? ShippedModel.Resolve();

    /// <summary>--threads: libtorch's and OnnxRuntime's intra-op threads for every command that runs a model (null/0 = the default policy).</summary>
    public static Option<int?> Threads() => new("--threads")
    {
        Description = "Threads of the model's computation, in libtorch or OnnxRuntime (default: one per core; train --preset tiny: 1)",
    };

    /// <summary>--strength of every command that writes or scores a model's layers (Models.StrengthSetting); read by <see cref="StrengthOf"/>.</summary>
    public static Option<string?> Strength(string? note = null) => new("--strength")
    {
        Description = "How far the layers move from the input towards the model's: each layer = input + s (layer - input); " +
                      "1 = the model's layers, lower = milder layers that make a video worse less often; auto = s per window, " +
                      "from 0.25 where the layers' departure from the input does not follow its contrast to 1 where it does " +
                      $"(models/README.md, \"Strength\"){(note is null ? "" : $"; {note}")} (default: the strength the model file records, else 1)",
    };

    /// <summary>
    /// The strength --strength names, else the one <paramref name="model"/> (a checkpoint or an .onnx export) records
    /// as its default, else 1 (<see cref="SeparationOptions.StrengthFor"/>).
    /// </summary>
    public static StrengthSetting StrengthOf(ParseResult parse, Option<string?> strength, string model) =>
        SeparationOptions.StrengthFor(model, parse.GetValue(strength) is { } text ? StrengthSetting.Parse(text) : null);

    /// <summary>--device of every command that runs a model; absent means cpu unless <paramref name="absent"/> says what it means instead.</summary>
    public static Option<string?> Device(string? absent = null) => new("--device") { Description = $"cpu or cuda (default: {absent ?? "cpu"})" };

    /// <summary>
    /// --precision of every command that runs a model (parsed by <see cref="Precisions.Parse"/>); absent means fp32 unless
    /// <paramref name="absent"/> says what it means instead; <paramref name="note"/> says how the command computes in bf16.
    /// </summary>
    public static Option<string?> Precision(string? absent = null, string? note = null) => new("--precision")
    {
        Description = $"fp32 or bf16{(note is null ? "" : $" ({note})")} (default: {absent ?? "fp32"})",
    };

    /// <summary>The precision --precision names, or null when absent (a one-line usage error for any other value).</summary>
    public static Precision? PrecisionOf(ParseResult parse, Option<string?> precision) =>
        parse.GetValue(precision) is { } text ? Precisions.Parse(text) : null;

    /// <summary>--json: print <paramref name="what"/> as JSON instead of text; <paramref name="note"/> says what else changes.</summary>
    public static Option<bool> Json(string what = "the result", string? note = null) => new("--json")
    {
        Description = $"Print {what} as JSON{(note is null ? "" : $" ({note})")}",
    };

    /// <summary>
    /// What the command's --threads, --device and --precision say, as the record the library applies once; a command
    /// without --device or --precision computes on the CPU in fp32.
    /// </summary>
    public static ComputeOptions Compute(ParseResult parse, Option<int?> threads, Option<string?>? device = null, Option<string?>? precision = null) => new()
    {
        Threads = parse.GetValue(threads) ?? 0,
        Device = (device is null ? null : parse.GetValue(device)) ?? "cpu",
        Precision = (precision is null ? null : PrecisionOf(parse, precision)) ?? Centrifuge.Precision.Fp32,
    };
}
