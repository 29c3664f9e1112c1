using Centrifuge.Data;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Data;

public class SourceCatalogTests
{
    private static void Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
    }

    [Fact]
    public void Folder_is_recursive_with_parent_folder_as_label_and_train_val_folders_fixing_the_split()
    {
        using var dir = new TempDir();
        Touch(dir.File("swimming/a.mp4"));
        Touch(dir.File("swimming/deep/b.avi"));
        Touch(dir.File("val/cooking/c.mkv"));
        Touch(dir.File("notes.txt"));
        SourceList found = SourceCatalog.FromFolder(dir.Path);
        Assert.Equal(3, found.Sources.Count);
        VideoSource a = found.Sources.Single(s => s.Path.EndsWith("a.mp4"));
        Assert.Equal("swimming", a.Label);
        Assert.Null(a.Split);
        Assert.Equal("deep", found.Sources.Single(s => s.Path.EndsWith("b.avi")).Label);
        VideoSource c = found.Sources.Single(s => s.Path.EndsWith("c.mkv"));
        Assert.Equal(("cooking", "val"), (c.Label, c.Split));
        Assert.All(found.Sources, s => Assert.Equal(SourceKind.Video, s.Kind));
    }

    [Fact]
    public void Folder_with_symlink_loops_lists_each_video_once_under_its_own_name_and_skips_looping_links()
    {
        using var dir = new TempDir();
        Touch(dir.File("swimming/a.mp4"));
        Touch(dir.File("swimming/deep/b.mp4"));
        Touch(dir.File("cooking/c.mp4"));
        Directory.CreateSymbolicLink(dir.File("swimming/deep/up"), dir.Path);          // back to the root
        Directory.CreateSymbolicLink(dir.File("again"), dir.File("swimming"));         // a second name for a folder
        File.CreateSymbolicLink(dir.File("cooking/alias.mp4"), dir.File("swimming/a.mp4"));
        File.CreateSymbolicLink(dir.File("loopA"), dir.File("loopB"));                  // loopA <-> loopB
        File.CreateSymbolicLink(dir.File("loopB"), dir.File("loopA"));
        Directory.CreateDirectory(dir.File("outside"));
        Touch(dir.File("outside/d.mp4"));
        Directory.CreateSymbolicLink(dir.File("cooking/linked"), dir.File("outside"));   // only reached through a link

        SourceList found = SourceCatalog.FromFolder(dir.Path);
        string[] names = found.Sources.Select(s => Path.GetRelativePath(dir.Path, s.Path)).ToArray();
        Assert.Equal(["cooking/c.mp4", "outside/d.mp4", "swimming/a.mp4", "swimming/deep/b.mp4"], names.Order(StringComparer.Ordinal));
        Assert.Equal("swimming", found.Sources.Single(s => s.Path.EndsWith("a.mp4")).Label);
        Assert.Equal(["loopA", "loopB"], found.Skipped.Select(s => Path.GetFileName(s.Path)).Order(StringComparer.Ordinal));
        Assert.All(found.Skipped, s => Assert.Contains("loops", s.Reason));
    }

    [Fact]
    public void Numbered_consecutive_images_are_one_frame_folder_and_other_images_are_photos()
    {
        using var dir = new TempDir();
        for (int i = 1; i <= 10; i++) Touch(dir.File($"seq/img_{i:000}.png"));
        Touch(dir.File("photos/beach.jpg"));
        Touch(dir.File("photos/mountain.png"));
        for (int i = 1; i <= 10; i += 2) Touch(dir.File($"gappy/img_{i:000}.png"));
        SourceList found = SourceCatalog.FromFolder(dir.Path);
        VideoSource seq = Assert.Single(found.Sources, s => s.Kind == SourceKind.FrameFolder);
        Assert.Equal(10, seq.FrameFiles!.Count);
        Assert.EndsWith("img_001.png", seq.FrameFiles[0]);
        Assert.EndsWith("img_010.png", seq.FrameFiles[9]);
        Assert.Equal(7, found.Sources.Count(s => s.Kind == SourceKind.Photo)); // 2 photos + 5 images with gaps
        Assert.All(SourceCatalog.FromFolder(dir.Path, ImageFolderMode.Photos).Sources, s => Assert.Equal(SourceKind.Photo, s.Kind));
        Assert.Equal(3, SourceCatalog.FromFolder(dir.Path, ImageFolderMode.Frames).Sources.Count);
    }

    [Fact]
    public void Kinetics_csv_resolves_trimmed_and_plain_names_with_time_windows_and_lists_missing_rows()
    {
        using var dir = new TempDir();
        string root = dir.File("kinetics");
        Touch(Path.Combine(root, "train", "abseiling", "abc_000010_000020.mp4"));
        Touch(Path.Combine(root, "train", "juggling", "def.mp4"));
        string csv = dir.File("k600.csv");
        File.WriteAllLines(csv,
        [
            "label,youtube_id,time_start,time_end,split",
            "abseiling,abc,10,20,train",
            "juggling,def,3.5,13.5,train",
            "juggling,zzz,0,10,train",
        ]);
        SourceList found = SourceCatalog.FromKineticsCsv(csv, root);
        Assert.Equal(2, found.Sources.Count);
        VideoSource trimmed = found.Sources[0];
        Assert.Equal(("abseiling", "abc", "train"), (trimmed.Label, trimmed.Group, trimmed.Split));
        Assert.Null(trimmed.StartSeconds); // the file is already the window
        VideoSource plain = found.Sources[1];
        Assert.Equal((3.5, 13.5), (plain.StartSeconds!.Value, plain.EndSeconds!.Value));
        Assert.EndsWith("def.mp4", plain.Path);
        Assert.Contains("#3.5-13.5", plain.Id);
        SkippedSource missing = Assert.Single(found.Skipped);
        Assert.Contains("zzz_000000_000010.mp4", missing.Path);
        // Discover picks the CSV reader by extension, with the configured root.
        Assert.Equal(2, SourceCatalog.Discover(csv, root).Sources.Count);
    }

    [Fact]
    public void List_file_resolves_relative_paths_and_reports_missing_ones()
    {
        using var dir = new TempDir();
        Touch(dir.File("clips/one.mp4"));
        Touch(dir.File("clips/two.png"));
        File.WriteAllLines(dir.File("list.txt"), ["# my clips", "clips/one.mp4", "", "clips/two.png", "clips/gone.mp4"]);
        SourceList found = SourceCatalog.Discover(dir.File("list.txt"));
        Assert.Equal([SourceKind.Video, SourceKind.Photo], found.Sources.Select(s => s.Kind));
        Assert.EndsWith("gone.mp4", Assert.Single(found.Skipped).Path);
    }

    [Fact]
    public void Several_specs_are_merged_in_order_each_source_once()
    {
        using var dir = new TempDir();
        Touch(dir.File("clips/one.mp4"));
        Touch(dir.File("clips/two.mp4"));
        File.WriteAllLines(dir.File("list.txt"), ["clips/two.mp4", "clips/gone.mp4"]);
        SourceList found = SourceCatalog.Discover([dir.File("clips"), dir.File("list.txt"), dir.File("clips/one.mp4")]);
        Assert.Equal(["one.mp4", "two.mp4"], found.Sources.Select(s => Path.GetFileName(s.Path)));
        Assert.EndsWith("gone.mp4", Assert.Single(found.Skipped).Path);
    }

    [Fact]
    public void Manifest_keeps_group_and_split()
    {
        using var dir = new TempDir();
        Touch(dir.File("p/a.mp4"));
        Touch(dir.File("p/a.avi"));
        File.WriteAllText(dir.File("manifest.json"),
            """[{"file": "p/a.mp4", "group": "movie", "split": "val"}, {"file": "p/a.avi", "group": "movie", "split": "val"}, {"file": "p/none.mp4", "group": "x", "split": "train"}]""");
        SourceList found = SourceCatalog.Discover(dir.File("manifest.json"));
        Assert.All(found.Sources, s => Assert.Equal(("movie", "val"), (s.Group, s.Split)));
        Assert.Single(found.Skipped);
    }

    [Fact]
    public void Missing_spec_is_a_clear_error()
    {
        var e = Assert.Throws<CentrifugeException>(() => SourceCatalog.Discover("/no/such/folder"));
        Assert.Equal(ExitCodes.MissingInput, e.ExitCode);
        Assert.Contains("/no/such/folder", e.Message);
    }
}
