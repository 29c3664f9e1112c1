using System.Reflection;
using System.Reflection.Emit;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Runtime;

/// <summary>
/// TorchSharp 0.107 converts numbers to native Scalars that nothing references during the native call; a garbage
/// collection on another thread (a loader worker's) then finalizes them while libtorch reads them, and training dies
/// with "Unknown scalar type" once in a while (docs/NUMERICS.md, "Scalars"). These tests read the IL of TorchSharp and
/// of our assemblies: no call of ours may reach a TorchSharp method that lets a converted Scalar go, and the
/// replacements (<see cref="ScalarArithmetic"/>, <see cref="LiveScalarOptimizers"/>) compute
/// what TorchSharp's operators and optimizers compute.
/// </summary>
public sealed class ScalarLifetimeTests
{
    private static readonly Lazy<Hazards> TorchSharpHazards = new(FindHazards);

    /// <summary>
    /// TorchSharp's methods that convert a number to a Scalar without disposing it (directly or through another such
    /// method), and for each virtual method the TorchSharp types whose override does.
    /// </summary>
    private sealed record Hazards(HashSet<string> Unsafe, Dictionary<string, HashSet<Type>> UnsafeOverriders);

    private static bool Converts(MethodBase m) =>
        (m.DeclaringType == typeof(Scalar) && m.Name == "op_Implicit") ||
        (m.DeclaringType?.Name == "ScalarExtensionMethods" && m.Name == "ToScalar");

    private static bool Disposes(MethodBase m) =>
        m.Name == "Dispose" && (m.DeclaringType == typeof(Scalar) || m.DeclaringType == typeof(IDisposable));

    private static Hazards FindHazards()
    {
        var calls = new Dictionary<string, List<MethodBase>>();
        var methods = new Dictionary<string, MethodBase>();
        foreach (MethodBase m in IlCalls.MethodsOf(typeof(Scalar).Assembly))
            if (methods.TryAdd(IlCalls.Name(m), m)) calls[IlCalls.Name(m)] = [.. IlCalls.Of(m).Select(c => c.Callee)];
        var unsafeSet = calls.Where(c => c.Value.Any(Converts) && !c.Value.Any(Disposes)).Select(c => c.Key).ToHashSet();
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach ((string name, List<MethodBase> callees) in calls)
                if (!unsafeSet.Contains(name) && callees.Any(c => unsafeSet.Contains(IlCalls.Name(c))))
                    grew = unsafeSet.Add(name);
        }
        var overriders = new Dictionary<string, HashSet<Type>>();
        foreach ((string name, MethodBase m) in methods)
            if (unsafeSet.Contains(name) && m is MethodInfo info && info.GetBaseDefinition() is var root && root != info)
            {
                if (!overriders.TryGetValue(IlCalls.Name(root), out HashSet<Type>? types)) overriders[IlCalls.Name(root)] = types = [];
                types.Add(m.DeclaringType!);
            }
        return new Hazards(unsafeSet, overriders);
    }

    /// <summary>Where our code may let a converted Scalar go: "caller -> callee" lines.</summary>
    private static List<string> UnsafeCalls(IEnumerable<Assembly> assemblies)
    {
        Hazards hazards = TorchSharpHazards.Value;
        Assembly torchSharp = typeof(Scalar).Assembly;
        var methods = assemblies.SelectMany(IlCalls.MethodsOf).ToList();
        var calls = methods.ToDictionary(m => m, m => IlCalls.Of(m));
        // The TorchSharp types our code makes (constructors, and factories such as optim.Adam or nn.LeakyReLU).
        var made = calls.Values.SelectMany(c => c)
            .Where(c => c.Callee.DeclaringType?.Assembly == torchSharp)
            .SelectMany(c => c.Callee switch
            {
                ConstructorInfo ctor when c.Op == OpCodes.Newobj => [ctor.DeclaringType!],
                MethodInfo { IsStatic: true } factory => new[] { factory.ReturnType },
                _ => [],
            })
            .ToHashSet();
        var found = new List<string>();
        // A TorchSharp type we make whose override of a virtual method (BatchNorm3d's forward, inherited from BatchNorm)
        // lets a Scalar go: a call through the base method (module.forward(x)) does not name the type, so the making is
        // what is refused (Models.LiveBatchNorm replaces TorchSharp's batch norms).
        foreach (Type type in made)
            foreach ((string method, HashSet<Type> overriders) in hazards.UnsafeOverriders)
                if (overriders.FirstOrDefault(o => o.IsAssignableFrom(type)) is { } from)
                    found.Add($"makes {type.FullName}, whose {method} (from {from.Name}) lets a converted Scalar go");
        foreach ((MethodBase caller, List<(OpCode Op, MethodBase Callee)> callees) in calls)
        {
            // The replacements convert numbers themselves, each kept alive by a `using` until the call returns.
            if (IsReplacement(caller.DeclaringType)) continue;
            foreach ((_, MethodBase callee) in callees)
            {
                string name = IlCalls.Name(callee);
                bool hazard = Converts(callee) || hazards.Unsafe.Contains(name) ||
                              (callee is MethodInfo { IsVirtual: true } virt &&
                               hazards.UnsafeOverriders.TryGetValue(IlCalls.Name(virt.GetBaseDefinition()), out HashSet<Type>? types) &&
                               types.Overlaps(made));
                if (hazard) found.Add($"{caller.DeclaringType?.FullName}.{caller.Name} -> {name}");
            }
        }
        return [.. found.Distinct().Order(StringComparer.Ordinal)];
    }

    private static bool IsReplacement(Type? type)
    {
        for (; type is not null; type = type.DeclaringType)
            if (type == typeof(ScalarArithmetic) || type == typeof(LiveScalarOptimizers)) return true;
        return false;
    }

    [Fact]
    public void The_scan_finds_the_conversions_TorchSharp_lets_go()
    {
        Hazards hazards = TorchSharpHazards.Value;
        string tensor = typeof(Tensor).FullName!;
        Assert.Contains($"{tensor}::op_Multiply(Tensor, Single)", hazards.Unsafe);     // x * 2f
        Assert.Contains($"{tensor}::op_Subtraction(Double, Tensor)", hazards.Unsafe);  // 1 - x
        Assert.Contains($"{tensor}::op_Addition(Tensor, Tensor)", hazards.Unsafe);     // a + b: its alpha is an implicit 1
        Assert.Contains($"{tensor}::square()", hazards.Unsafe);
        Assert.Contains($"{typeof(Adam).FullName}::step(Func`1)", hazards.Unsafe);
        Assert.Contains($"{typeof(SGD).FullName}::step(Func`1)", hazards.Unsafe);
        Assert.Contains(typeof(Adam), hazards.UnsafeOverriders[IlCalls.Name(typeof(optim.Optimizer).GetMethod("step")!)]);
        // What the replacements call is safe: the Scalar comes in, kept alive by its caller.
        Assert.DoesNotContain($"{tensor}::mul(Scalar)", hazards.Unsafe);
        Assert.DoesNotContain($"{tensor}::add(Tensor, Scalar)", hazards.Unsafe);
        Assert.DoesNotContain($"{tensor}::clamp(Scalar, Scalar)", hazards.Unsafe);
        Assert.DoesNotContain($"{tensor}::op_Subtraction(Tensor, Tensor)", hazards.Unsafe);
    }

    [Fact]
    public void The_scan_sees_a_conversion_in_code_like_ours()
    {
        List<string> found = UnsafeCalls([typeof(ScalarLifetimeTests).Assembly])
            .Where(l => l.Contains(nameof(ConvertsAndLetsGo), StringComparison.Ordinal)).ToList();
        Assert.Contains(found, l => l.EndsWith("op_Multiply(Tensor, Single)", StringComparison.Ordinal));
        Assert.Contains(found, l => l.EndsWith("op_Implicit(Int32)", StringComparison.Ordinal));
        Assert.Contains(found, l => l.EndsWith("step(Func`1)", StringComparison.Ordinal));
        Assert.Contains(UnsafeCalls([typeof(ScalarLifetimeTests).Assembly]),
            l => l.StartsWith($"makes {typeof(BatchNorm3d).FullName}, whose", StringComparison.Ordinal) && l.Contains("(from BatchNorm)", StringComparison.Ordinal));
    }

    // Never run: the IL the scan must flag (x * 2f, clamp(0, 1), TorchSharp's own Adam).
    private static Tensor ConvertsAndLetsGo(Tensor x)
    {
        using var adam = optim.Adam([new Parameter(x)]);
        adam.step();
        using var norm = nn.BatchNorm3d(3);
        return norm.forward((x * 2f).clamp(0, 1));
    }

    [Fact]
    public void No_call_of_ours_lets_a_converted_Scalar_go()
    {
        Assembly[] ours = [typeof(ScalarArithmetic).Assembly, Assembly.Load("Centrifuge.Cli"), Assembly.Load("centrifuge-kernel-check")];
        List<string> found = UnsafeCalls(ours);
        Assert.True(found.Count == 0, $"{found.Count} calls convert a number to a Scalar nothing keeps alive " +
            $"(use ScalarArithmetic):\n{string.Join("\n", found)}");
    }

    [Fact]
    public void The_replacements_compute_what_the_operators_compute()
    {
        using var scope = NewDisposeScope();
        Tensor x = torch.linspace(-2, 2, 41), y = torch.linspace(3, -1, 41);
        Assert.True(Same(x.Plus(y), x + y));
        Assert.True(Same(x.Plus(1.5), x + 1.5));
        Assert.True(Same(x.Minus(1.5), x - 1.5));
        Assert.True(Same(x.SubtractedFrom(1), 1 - x));
        Assert.True(Same(x.Times(0.299f), x * 0.299f));
        Assert.True(Same(x.Over(255), x / 255f));
        Assert.True(Same(x.ClampTo(0, 1), x.clamp(0, 1)));
        Assert.True(Same(x.AtLeast(0), x.clamp_min(0)));
        Assert.True(x.abs().Power(0.7).allclose(x.abs().pow(0.7)));
        Assert.True(Same(x.Squared(), x.square()));
        Assert.True(Same(x.PlusScaled(y, 0.25), x.add(y, alpha: 0.25)));
        Assert.True(Same(x.EqualTo(0), x.eq(0)) && Same(x.GreaterThan(0), x.gt(0)));
        Assert.True(Same(ScalarArithmetic.Full([2, 3], -1), torch.full(2, 3, -1f)));
        Tensor z = x.clone();
        z.PlusInPlace(y).TimesInPlace(2).MinusInPlace(1).OverInPlace(4).PlusInPlace(0.5).PlusScaledInPlace(y, 3);
        Assert.True(z.allclose(((x + y) * 2 - 1) / 4 + 0.5 + 3 * y, 1e-6, 1e-6));    // add_(y, 3) rounds once, 3 * y + ... twice
        Assert.True(Same(x.Modulo(6), x.remainder(6)));
        Tensor count = torch.tensor(41L);
        Assert.Equal(43L, count.IncrementInPlace().IncrementInPlace().item<long>());   // a count stays an integer
        Assert.True(Same(x.clone().IncrementInPlace(), x + 1));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype &&
        (a.dtype == ScalarType.Bool ? a.logical_xor(b).any().item<bool>() == false : a.allclose(b, 0, 0));

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]   // ours with decoupled weight decay against TorchSharp's AdamW
    public void The_optimizers_take_the_steps_of_TorchSharp_s(string kind)
    {
        bool adam = kind != "sgd";
        torch.manual_seed(3);
        using var ours = nn.Linear(5, 4);
        using var theirs = nn.Linear(5, 4);
        theirs.load_state_dict(ours.state_dict());
        // A weight decay large enough that coupling it to the gradient (Adam) or not (AdamW) gives other weights.
        double decay = kind == "adamw" ? 0.5 : 0.001;
        using OptimizerHelper a = adam
            ? new LiveScalarOptimizers.Adam(ours.parameters(), 0.01, 0.9, 0.99, 1e-8, decay, decoupled: kind == "adamw")
            : new LiveScalarOptimizers.SGD(ours.parameters(), 0.01, 0.9, decay);
        using OptimizerHelper b = kind switch
        {
            "adam" => optim.Adam(theirs.parameters(), 0.01, 0.9, 0.99, 1e-8, weight_decay: decay),
            "adamw" => optim.AdamW(theirs.parameters(), 0.01, 0.9, 0.99, 1e-8, weight_decay: decay),
            _ => optim.SGD(theirs.parameters(), 0.01, momentum: 0.9, weight_decay: decay),
        };
        for (int step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            Tensor input = torch.randn(8, 5), target = torch.randn(8, 4);
            foreach ((nn.Module<Tensor, Tensor> model, OptimizerHelper o) in new[] { ((nn.Module<Tensor, Tensor>)ours, a), (theirs, b) })
            {
                o.zero_grad();
                nn.functional.mse_loss(model.forward(input), target).backward();
                o.step();
            }
        }
        foreach ((Parameter p, Parameter q) in ours.parameters().Zip(theirs.parameters()))
            Assert.True(p.allclose(q, rtol: 1e-6, atol: 1e-7), $"{kind}: parameters differ after 5 steps");
        if (kind == "adamw") return;   // AdamW's state is another type's; ours is saved as Adam's
        // Their state resumes ours (checkpoints written before these optimizers existed), and ours theirs.
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) b.save_state_dict(writer);
        stream.Position = 0;
        using (var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true)) a.load_state_dict(reader);
    }

    [Fact]
    public void The_replacements_hold_while_other_threads_collect()
    {
        // What broke training: another thread's collections while the arithmetic runs. TorchSharp's own operators fail
        // this within a few ten thousand iterations here (docs/NUMERICS.md); the replacements must not, and must stay right.
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            using Tensor x = torch.linspace(-1, 1, 64), expected = x.Times(2).Minus(1).ClampTo(-1, 1).Plus(x);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; clock.Elapsed < TimeSpan.FromSeconds(2); i++)
            {
                using var scope = NewDisposeScope();
                Assert.True(Same(x.Times(2).Minus(1).ClampTo(-1, 1).Plus(x), expected), $"iteration {i}: wrong values");
            }
        }
        finally { stop.Cancel(); collector.Join(); }
    }
}
