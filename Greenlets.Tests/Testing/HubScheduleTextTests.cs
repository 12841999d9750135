using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>The schedule text: compact, and read back exactly.</summary>
public sealed class HubScheduleTextTests
{
    [Theory]
    [InlineData(new int[0], "")]
    [InlineData(new[] { 0, 1, 2 }, "012")]
    [InlineData(new[] { 0, 0, 0, 0 }, "0000")]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 1 }, "0{6}1")]
    [InlineData(new[] { 10, 35, 36, 36 }, "az(36)(36)")]
    public void Format_Choices_WritesCompactTextThatParsesBack(int[] choices, string text)
    {
        Assert.Equal(text, HubScheduleText.Format(choices));
        Assert.Equal(choices, HubScheduleText.Parse(text));
    }

    [Fact]
    public void Chooser_ReplayRunsOut_ContinuesFifo()
    {
        var chooser = new HubScheduleChooser(HubSchedule.Random, seed: 1, replay: [1]);
        object[] keys = ["a", "b", "c"];

        Assert.Equal(1, chooser.Choose(HubChoiceKind.Ready, keys));
        Assert.Equal(0, chooser.Choose(HubChoiceKind.Ready, keys));
        Assert.Equal("10", chooser.Schedule);
        Assert.Equal(-1, chooser.Diverged);
    }

    [Fact]
    public void Chooser_Pct_KeepsRunningTheHighestPriorityUntilAChangePoint()
    {
        // Without change points in reach, PCT always picks the same greenlet among the same candidates.
        var chooser = new HubScheduleChooser(HubSchedule.Pct, seed: 2, replay: null, horizon: 1_000_000);
        object[] keys = ["a", "b", "c"];
        int first = chooser.Choose(HubChoiceKind.Ready, keys);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(first, chooser.Choose(HubChoiceKind.Ready, keys)));
    }

    [Fact]
    public void Chooser_SetFromAnotherThread_ThrowsGreenletError()
    {
        Hub hub = OnThread.Run(() => Hub.Current);

        Assert.Throws<GreenletError>(() => hub.Chooser = new HubScheduleChooser(HubSchedule.Fifo, 0, null));
    }
}
