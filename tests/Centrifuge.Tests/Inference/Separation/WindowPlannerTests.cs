
using Centrifuge.Inference.Separation;

namespace Centrifuge.Tests.Inference.Separation;

public class WindowPlannerTests
{
    [Fact]
    public void Windows_overlap_by_O_and_the_short_tail_gets_a_full_window_shifted_back()
    {
        var planner = new WindowPlanner(8, 2);
        Assert.Equal(
            new[] { new FrameWindow(0, 0, 8, 0, 0, 6, false), new FrameWindow(1, 6, 8, 6, 2, 12, false), new FrameWindow(2, 12, 8, 12, 2, 20, true) },
            planner.Plan(20));
        // 17 frames: the last window is shifted back to [9, 17) but only fades over [12, 14) and keeps [12, 17).
        Assert.Equal(new FrameWindow(2, 9, 8, 12, 2, 17, true), planner.Plan(17)[^1]);
    }

    [Fact]
    public void A_video_shorter_than_a_window_is_one_short_window_and_an_empty_one_has_none()
    {
        var planner = new WindowPlanner(8, 2);
        Assert.Equal(new[] { new FrameWindow(0, 0, 5, 0, 0, 5, true) }, planner.Plan(5));
        Assert.Equal(new[] { new FrameWindow(0, 0, 8, 0, 0, 8, true) }, planner.Plan(8));
        Assert.Empty(planner.Plan(0));
    }

    [Fact]
    public void Final_segments_partition_the_video_for_every_window_overlap_and_length()
    {
        for (int t = 2; t <= 10; t++)
        for (int o = 1; 2 * o <= t; o++)
        for (int total = 0; total <= 45; total++)
        {
            var plan = new WindowPlanner(t, o).Plan(total);
            int next = 0;
            foreach (FrameWindow w in plan)
            {
                Assert.Equal(next, w.FadeStart);
                Assert.InRange(w.Frames, 1, t);
                if (total >= t) Assert.Equal(t, w.Frames);
                Assert.True(w.Start >= 0 && w.Start <= w.FadeStart && w.FinalEnd <= w.End, $"T={t} O={o} N={total}: {w}");
                Assert.Equal(w.Index == 0 ? 0 : o, w.FadeFrames);
                Assert.True(w.FadeStart + w.FadeFrames <= w.FinalEnd, $"T={t} O={o} N={total}: {w}");
                Assert.Equal(w.IsLast ? w.End : w.End - o, w.FinalEnd);
                next = w.FinalEnd;
            }
            Assert.Equal(total, next);
            Assert.True(plan.Count == 0 || plan[^1].IsLast);
            Assert.Equal(plan.Count(w => w.IsLast), Math.Min(1, plan.Count));
        }
    }

    [Fact]
    public void Streaming_with_frames_arriving_in_random_chunks_gives_the_same_plan()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int t = random.Next(2, 12), o = random.Next(1, t / 2 + 1), total = random.Next(0, 60);
            var planner = new WindowPlanner(t, o);
            var streamed = new List<FrameWindow>();
            int available = 0;
            bool end = false;
            FrameWindow? previous = null;
            while (true)
            {
                while (!end && available < planner.FramesNeeded(previous))
                {
                    int chunk = Math.Min(random.Next(1, 9), planner.FramesNeeded(previous) - available);
                    if (available == total) end = true; else available = Math.Min(total, available + chunk);
                }
                FrameWindow? w = planner.Next(previous, available, end);
                if (w is null) break;
                streamed.Add(w);
                previous = w;
            }
            Assert.Equal(planner.Plan(total), streamed);
        }
    }

    [Theory]
    [InlineData(8, 0)]
    [InlineData(8, 5)]
    [InlineData(1, 1)]
    public void Invalid_window_or_overlap_is_a_usage_error(int window, int overlap)
    {
        var e = Assert.Throws<CentrifugeException>(() => new WindowPlanner(window, overlap));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }
}
