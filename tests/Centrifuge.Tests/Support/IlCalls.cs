using System.Reflection;
using System.Reflection.Emit;

namespace Centrifuge.Tests.Support;

/// <summary>The methods a method's IL refers to (call, callvirt, newobj, ldftn, ldvirtftn), read with reflection.</summary>
public static class IlCalls
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                          BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every method and constructor declared in the assembly, nested and compiler-generated types included.</summary>
    public static IEnumerable<MethodBase> MethodsOf(Assembly assembly)
    {
        Type[] types;
        try { types = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { types = [.. e.Types.OfType<Type>()]; }
        foreach (Type t in types)
        {
            foreach (MethodInfo m in t.GetMethods(Declared)) yield return m;
            foreach (ConstructorInfo c in t.GetConstructors(Declared)) yield return c;
        }
    }

    /// <summary>The referred methods with the opcode that refers to each.</summary>
    public static List<(OpCode Op, MethodBase Callee)> Of(MethodBase method)
    {
        var result = new List<(OpCode, MethodBase)>();
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or BadImageFormatException) { return result; }
        if (il is null) return result;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method is MethodInfo { IsGenericMethod: true } g ? g.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            OpCode op = OpCodesByValue[value];
            int operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (op.OperandType == OperandType.InlineMethod)
            {
                try
                {
                    if (method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs) is { } callee)
                        result.Add((op, callee));
                }
                catch (ArgumentException) { }    // a generic instantiation reflection cannot resolve here
            }
            i += operand;
        }
        return result;
    }

    /// <summary>A stable name: declaring type and signature.</summary>
    public static string Name(MethodBase m) =>
        $"{m.DeclaringType?.FullName}::{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})";
}
