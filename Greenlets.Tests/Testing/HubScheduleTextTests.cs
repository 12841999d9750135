using System.Reflection;
using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>The schedule text: compact, and read back exactly.</summary>
public sealed class HubScheduleTextTests
{
    private static string Display(object value) =>
        (string)value.GetType().GetProperty("DebuggerDisplay", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(value)!;

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
    public void ChoiceLog_RunsOfEqualChoices_ExpandAndFormatAsChoiceByChoice()
    {
        var log = new HubChoiceLog();
        (int Choice, int Count)[] made = [(0, 2), (0, 2), (0, 3), (0, 2), (0, 2), (1, 2), (1, 2), (37, 40), (0, 2)];
        foreach ((int choice, int count) in made)
        {
            log.Add(choice, count);
        }

        int[] choices = [.. made.Select(m => m.Choice)];
        Assert.Equal(made.Length, log.Length);
        Assert.Equal(choices, log.Choices());
        Assert.Equal(made.Select(m => m.Count), log.Counts());

        // Runs split by a different count still merge in the text: five zeros in a row are "0{5}".
        Assert.Equal("0{5}11(37)0", log.Format());
        Assert.Equal(HubScheduleText.Format(choices), log.Format());
        Assert.Empty(new HubChoiceLog().Format());
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
    public void Chooser_PctSpinnerAboveItsSetter_LetsTheSetterRunPastTheHorizon()
    {
        // Three spin loops on Sleep(0) wait for a fourth greenlet. With seed 6 the setter has the lowest priority and
        // PCT's two change points drop only two spinners: the run spun forever until change points came every horizon.
        HubTestRun run = OnThread.Run(() => HubTest.Run(
            () =>
            {
                bool set = false;
                GreenTask[] spinners = [.. Enumerable.Range(0, 3).Select(_ => Hub.Spawn(() =>
                {
                    while (!set)
                    {
                        Hub.Sleep(TimeSpan.Zero);
                    }
                }))];
                GreenTask setter = Hub.Spawn(() => set = true);
                Hub.JoinAll([.. spinners, setter]);
            },
            new HubTestOptions { Schedule = HubSchedule.Pct, Seed = 6 }));

        Assert.NotEmpty(run.Schedule);
    }

    [Fact]
    public void DebuggerDisplay_TestingTypes_Evaluate()
    {
        HubTestRun run = OnThread.Run(() => HubTest.Run(() => { }));
        HubExploreResult explored = OnThread.Run(() => HubTest.Explore(() => { }, new HubExploreOptions { Exhaustive = true }));

        Assert.Equal("HubTestOptions Fifo seed=0 virtual=True", Display(new HubTestOptions()));
        Assert.Equal("HubTestOptions replay=\"01\" virtual=True", Display(new HubTestOptions { Replay = "01" }));
        Assert.Equal("HubExploreOptions max=1000 exhaustive=False seed=0", Display(new HubExploreOptions()));
        Assert.Equal("HubTestRun \"\" seed=0 elapsed=00:00:00 events=2", Display(run));
        Assert.Equal("HubExploreResult runs=1 exhausted=True failed=False", Display(explored));
        Assert.Equal("HubScheduleException \"\": ", Display(new HubScheduleException()));
    }

    [Fact]
    public void Chooser_SetFromAnotherThread_ThrowsGreenletError()
    {
        Hub hub = OnThread.Run(() => Hub.Current);

        Assert.Throws<GreenletError>(() => hub.Chooser = new HubScheduleChooser(HubSchedule.Fifo, 0, null));
    }
}
