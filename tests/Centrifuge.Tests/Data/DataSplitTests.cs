using Centrifuge.Data;

namespace Centrifuge.Tests.Data;

public class DataSplitTests
{
    private static List<VideoSource> Sources()
    {
        var list = new List<VideoSource>();
        for (int g = 0; g < 30; g++)
            foreach (string ext in new[] { ".mp4", ".avi" }) // one clip in two containers: one group
                list.Add(new VideoSource($"/v/clip{g}{ext}", "l" + g % 3, $"/v/clip{g}"));
        list.Add(new VideoSource("/v/fixed.mp4", "l", "fixed") { Split = "val" });
        list.Add(new VideoSource("/v/fixed2.mp4", "l", "fixed2") { Split = "train" });
        return list;
    }

    [Fact]
    public void No_group_and_no_file_is_in_both_splits()
    {
        DataSplit split = DataSplit.Create(Sources(), 0.2, seed: 3);
        Assert.Empty(split.Train.Select(s => s.Group).Intersect(split.Validation.Select(s => s.Group)));
        Assert.Empty(split.Train.Select(s => s.Path).Intersect(split.Validation.Select(s => s.Path)));
        Assert.Equal(Sources().Count, split.Train.Count + split.Validation.Count);
        Assert.Equal(6 + 1, split.Validation.Select(s => s.Group).Distinct().Count()); // ceil(0.2 x 30) + the fixed one
        Assert.Contains(split.Validation, s => s.Group == "fixed");
        Assert.Contains(split.Train, s => s.Group == "fixed2");
    }

    [Fact]
    public void Split_is_deterministic_per_seed()
    {
        var a = DataSplit.Create(Sources(), 0.2, 3).Validation.Select(s => s.Path).ToList();
        Assert.Equal(a, DataSplit.Create(Sources(), 0.2, 3).Validation.Select(s => s.Path));
        Assert.NotEqual(a, DataSplit.Create(Sources(), 0.2, 4).Validation.Select(s => s.Path));
    }

    [Fact]
    public void A_group_with_any_validation_member_goes_wholly_to_validation()
    {
        var list = new List<VideoSource>
        {
            new("/a.mp4", "x", "g") { Split = "train" }, new("/a.avi", "x", "g") { Split = "val" }, new("/b.mp4", "x", "h"),
        };
        DataSplit split = DataSplit.Create(list, 0, 0);
        Assert.Equal(["/a.mp4", "/a.avi"], split.Validation.Select(s => s.Path));
        Assert.Equal(["/b.mp4"], split.Train.Select(s => s.Path));
    }
}
