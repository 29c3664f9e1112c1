// Marks one symbol-version requirement of an ELF shared library as weak (VER_FLG_WEAK), so that glibc loads the
// library on a system whose libstdc++ lacks that version. Used by the build (TorchSharpNative.targets, as an
// MSBuild inline task) and by the tests (compiled in directly, with CENTRIFUGE_NO_MSBUILD defined).
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so needs GLIBCXX_3.4.32 (libstdc++ 13) only for
// _ZSt21ios_base_library_initv, a link-time marker that is never called. Debian 12 ships GLIBCXX_3.4.30.
using System;
using System.IO;
using System.Text;

namespace Centrifuge.Build
{
    /// <summary>What <see cref="ElfWeakVersionPatcher.Patch"/> did to a file.</summary>
    public enum ElfPatchOutcome { Patched, AlreadyWeak, VersionNotRequired }

    /// <summary>Sets VER_FLG_WEAK on a named Vernaux entry of an ELF64 little-endian file's .gnu.version_r.</summary>
    public static class ElfWeakVersionPatcher
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>Patches <paramref name="path"/> in place (idempotent). Throws InvalidDataException on a file it cannot read as ELF64.</summary>
        public static ElfPatchOutcome Patch(string path, string version)
        {
            byte[] elf = File.ReadAllBytes(path);
            long flagsOffset = FindVernauxFlagsOffset(elf, version, path);
            if (flagsOffset < 0) return ElfPatchOutcome.VersionNotRequired;
            ushort flags = BitConverter.ToUInt16(elf, (int)flagsOffset);
            if ((flags & VerFlgWeak) != 0) return ElfPatchOutcome.AlreadyWeak;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                stream.Position = flagsOffset;
                stream.Write(BitConverter.GetBytes((ushort)(flags | VerFlgWeak)), 0, 2);
            }
            return ElfPatchOutcome.Patched;
        }

        /// <summary>True when the file requires <paramref name="version"/> and that requirement is weak.</summary>
        public static bool IsWeak(string path, string version)
        {
            byte[] elf = File.ReadAllBytes(path);
            long offset = FindVernauxFlagsOffset(elf, version, path);
            return offset >= 0 && (BitConverter.ToUInt16(elf, (int)offset) & VerFlgWeak) != 0;
        }

        /// <summary>Byte offset of vna_flags of the Vernaux named <paramref name="version"/>, or -1 when absent.</summary>
        private static long FindVernauxFlagsOffset(byte[] elf, string version, string path)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException($"{path}: not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException($"{path}: only 64-bit little-endian ELF files are supported");

            long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
            int shentsize = BitConverter.ToUInt16(elf, 0x3a);
            int shnum = BitConverter.ToUInt16(elf, 0x3c);
            if (shoff <= 0 || shentsize < 64 || shoff + (long)shnum * shentsize > elf.Length)
                throw new InvalidDataException($"{path}: section header table is missing or truncated");

            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
                long verneedOffset = (long)BitConverter.ToUInt64(elf, (int)sh + 0x18);
                int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
                long entries = (long)BitConverter.ToUInt32(elf, (int)sh + 0x2c); // sh_info = number of Verneed entries
                long strtabOffset = (long)BitConverter.ToUInt64(elf, (int)(shoff + (long)link * shentsize + 0x18));

                long vn = verneedOffset;
                for (long n = 0; n < entries; n++)
                {
                    int count = BitConverter.ToUInt16(elf, (int)vn + 2);
                    long vna = vn + BitConverter.ToUInt32(elf, (int)vn + 8);
                    for (int a = 0; a < count; a++)
                    {
                        uint nameIndex = BitConverter.ToUInt32(elf, (int)vna + 8);
                        if (ReadCString(elf, strtabOffset + nameIndex) == version) return vna + 4;
                        uint nextAux = BitConverter.ToUInt32(elf, (int)vna + 12);
                        if (nextAux == 0) break;
                        vna += nextAux;
                    }
                    uint next = BitConverter.ToUInt32(elf, (int)vn + 12);
                    if (next == 0) break;
                    vn += next;
                }
            }
            return -1;
        }

        private static string ReadCString(byte[] data, long offset)
        {
            long end = offset;
            while (end < data.Length && data[end] != 0) end++;
            return Encoding.ASCII.GetString(data, (int)offset, (int)(end - offset));
        }
    }

#if !CENTRIFUGE_NO_MSBUILD
    /// <summary>MSBuild task: weakens <see cref="Version"/> in every file of <see cref="Files"/>.</summary>
    public class WeakenElfVersionRequirement : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
        [Microsoft.Build.Framework.Required] public string Version { get; set; } = "";

        public override bool Execute()
        {
            foreach (var item in Files)
            {
                string file = item.ItemSpec;
                try
                {
                    ElfPatchOutcome outcome = ElfWeakVersionPatcher.Patch(file, Version);
                    if (outcome == ElfPatchOutcome.Patched)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"Centrifuge: marked {Version} weak in {file}");
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    Log.LogError($"Centrifuge: cannot patch {file}: {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
