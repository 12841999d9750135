using System.Diagnostics;
using System.Text.Json;

namespace Greenlets.Tests;

/// <summary>Asserting switch order with <see cref="SwitchRecorder"/>, and its Mermaid and Chrome trace output.</summary>
public sealed class SwitchRecorderTests
{
    private static (Greenlet Gr1, Greenlet Gr2) PingPong(int rounds)
    {
        Greenlet? gr2 = null;
        var gr1 = new Greenlet(() =>
        {
            for (int i = 0; i < rounds; i++)
            {
                gr2!.Switch();
            }
        }) { Name = "gr1" };
        gr2 = new Greenlet(() =>
        {
            for (int i = 0; i < rounds; i++)
            {
                gr1.Switch();
            }
        }) { Name = "gr2" };
        return (gr1, gr2);
    }

    [Fact]
    public void Events_PingPong_RecordsEverySwitchInOrder() => OnThread.Run(() =>
    {
        var (gr1, gr2) = PingPong(2);
        using var recorder = new SwitchRecorder();
        gr1.Switch();
        gr2.Throw();
        Assert.Equal(
            ["main -> gr1", "gr1 -> gr2", "gr2 -> gr1", "gr1 -> gr2", "gr2 -> gr1", "gr1 -> main", "main !> gr2", "gr2 -> main"],
            recorder.Events);
    });

    [Fact]
    public void Events_ErrorToParent_RecordedAsThrow() => OnThread.Run(() =>
    {
        var g = new Greenlet(() => throw new SomeException()) { Name = "gr1" };
        using var recorder = new SwitchRecorder();
        Assert.Throws<SomeException>(() => g.Switch());
        Assert.Equal(["main -> gr1", "gr1 !> main"], recorder.Events);
    });

    [Fact]
    public void Dispose_OnAnotherThread_RestoresTheTracersOfTheTreesItRecorded() => OnThread.Run(() =>
    {
        // Async code disposes its recorder wherever its continuation runs: the trees it traced must be restored, not
        // those of the disposing thread.
        var recorder = new SwitchRecorder();
        Exception? failure = null;
        var other = new Thread(() =>
        {
            try
            {
                recorder.Dispose();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        other.UnsafeStart();
        Assert.True(other.Join(TestTimeouts.Unexpected));
        Assert.Null(failure);

        Assert.Null(Greenlet.GetTrace());
        Assert.Null(AsyncGreenlet.GetTrace());
        var g = new Greenlet(() => { });
        g.Switch();
        Assert.Empty(recorder.Events);
    });

    [Fact]
    public void Dispose_RestoresPreviousTracerAndChains() => OnThread.Run(() =>
    {
        var outer = new List<string>();
        GreenletTracer previous = (e, o, t) => outer.Add($"{o.Name}>{t.Name}");
        Greenlet.SetTrace(previous);
        var g = new Greenlet(() => { }) { Name = "g" };
        using (var recorder = new SwitchRecorder())
        {
            g.Switch();
            Assert.Equal(2, recorder.Events.Count);
        }

        Assert.Same(previous, Greenlet.GetTrace());
        Assert.Equal(["main>g", "g>main"], outer);
        Greenlet.SetTrace(null);
    });

    [Fact]
    public void ToMermaid_PingPong_IsASequenceDiagram() => OnThread.Run(() =>
    {
        var (gr1, gr2) = PingPong(1);
        using var recorder = new SwitchRecorder();
        gr1.Switch();
        gr2.Throw();
        string[] lines = recorder.ToMermaid().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            ["sequenceDiagram", "    participant p0 as main", "    participant p1 as gr1", "    participant p2 as gr2",
             "    p0->>p1: switch", "    p1->>p2: switch", "    p2->>p1: switch", "    p1->>p0: switch", "    p0-xp2: throw", "    p2->>p0: switch"],
            lines);
    });

    [Fact]
    public void ToChromeTrace_PingPong_IsValidTraceEventJson() => OnThread.Run(() =>
    {
        var (gr1, gr2) = PingPong(1);
        using var recorder = new SwitchRecorder();
        gr1.Switch();
        gr2.Throw();
        using JsonDocument doc = JsonDocument.Parse(recorder.ToChromeTrace());
        JsonElement events = doc.RootElement.GetProperty("traceEvents");
        var names = events.EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "M")
            .Select(e => e.GetProperty("args").GetProperty("name").GetString()).ToList();
        Assert.Equal(["main", "gr1", "gr2"], names);
        var slices = events.EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "X").ToList();
        Assert.Equal(6, slices.Count);
        Assert.All(slices, s => Assert.True(s.GetProperty("dur").GetDouble() >= 0));
        var instants = events.EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "i").Select(e => e.GetProperty("name").GetString()!).ToList();
        Assert.Equal(recorder.Events, instants);
    });

    [Fact]
    public void Events_AsyncGreenletTree_RecordedInTheSameFormat() => AsyncTestFlow.Run(async () =>
    {
        using var recorder = new SwitchRecorder();
        AsyncGreenlet main = AsyncGreenlet.Current;
        var gr2 = new AsyncGreenlet(async _ => await main.SwitchAsync()) { Name = "gr2" };
        var gr1 = new AsyncGreenlet(async _ =>
        {
            await gr2.SwitchAsync();
            return null;
        }) { Name = "gr1" };
        await gr1.SwitchAsync();
        await Assert.ThrowsAsync<SomeException>(async () => await gr2.ThrowAsync(new SomeException()));
        Assert.Equal(["main -> gr1", "gr1 -> gr2", "gr2 -> main", "main !> gr2", "gr2 !> main"], recorder.Events);
        Assert.Contains("p0-xp", recorder.ToMermaid(), StringComparison.Ordinal);
    });

    [Fact]
    public void Dispose_AsyncTree_RestoresPreviousAsyncTracerAndChains() => AsyncTestFlow.Run(async () =>
    {
        var outer = new List<string>();
        AsyncGreenletTracer previous = (e, o, t) => outer.Add($"{o.Name}>{t.Name}");
        AsyncGreenlet.SetTrace(previous);
        var g = new AsyncGreenlet(_ => ValueTask.FromResult<object?>(null)) { Name = "g" };
        using (var recorder = new SwitchRecorder())
        {
            await g.SwitchAsync();
            Assert.Equal(["main -> g", "g -> main"], recorder.Events);
        }

        Assert.Equal(["main>g", "g>main"], outer);
        Assert.Same(previous, AsyncGreenlet.GetTrace());
        AsyncGreenlet.SetTrace(null);
    });
}
