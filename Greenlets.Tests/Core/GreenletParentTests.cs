namespace Greenlets.Tests;

/// <summary>The P* rules of <see cref="Greenlet.Parent"/>.</summary>
public sealed class GreenletParentTests
{
    [Fact]
    public void Parent_OfMain_IsNull() => OnThread.Run(() => Assert.Null(Greenlet.Current.Parent)); // P1

    [Fact]
    public void Parent_SetNull_ThrowsArgumentNullInEveryState() => OnThread.Run(() =>
    {
        // P2 (test_set_parent_wrong_types, test_cannot_delete_parent)
        var pending = new Greenlet(() => { });
        Assert.Throws<ArgumentNullException>(() => pending.Parent = null);
        var running = new Greenlet(() => Assert.Throws<ArgumentNullException>(() => Greenlet.Current.Parent = null));
        running.Switch();
        Assert.True(running.IsDead);
        Assert.Throws<ArgumentNullException>(() => running.Parent = null);
        Assert.Throws<ArgumentNullException>(() => Greenlet.Current.Parent = null);
        Assert.NotNull(pending.Parent);
    });

    [Fact]
    public void Parent_DeeperCycle_ThrowsArgumentException() => OnThread.Run(() =>
    {
        // P3: test_deeper_cycle
        var g1 = new Greenlet(() => { });
        var g2 = new Greenlet(() => { }, g1);
        var g3 = new Greenlet(() => { }, g2);
        Assert.Throws<ArgumentException>(() => g1.Parent = g3);
        Assert.Same(Greenlet.Current, g1.Parent);
    });

    [Fact]
    public void Parent_StartedToAnotherThreadsGreenlet_ThrowsArgumentException() => OnThread.Run(() =>
    {
        // P6: test_threaded_reparent
        var g = new Greenlet(() => Greenlet.Current.Parent!.Switch());
        g.Switch();
        Greenlet foreign = RunOnOtherThread(() => Greenlet.Current);
        var e = Assert.Throws<ArgumentException>(() => g.Parent = foreign);
        Assert.Contains("different thread", e.Message, StringComparison.Ordinal);
        Assert.Same(Greenlet.Current, g.Parent);
        g.Switch();
    });

    [Fact]
    public void Parent_UnstartedToAnotherThread_AllowedButStartFails() => OnThread.Run(() =>
    {
        // P7
        using var release = new ManualResetEventSlim();
        using var ready = new ManualResetEventSlim();
        Greenlet? foreignMain = null;
        var other = new Thread(() =>
        {
            foreignMain = Greenlet.Current;
            ready.Set();
            release.Wait(TestTimeouts.Unexpected);
        });
        other.Start();
        Assert.True(ready.Wait(TestTimeouts.Unexpected));
        try
        {
            var g = new Greenlet(() => { });
            g.Parent = foreignMain!;
            Assert.Throws<GreenletError>(() => g.Switch());
            Assert.False(g.IsStarted);
        }
        finally
        {
            release.Set();
            other.Join();
        }
    });

    private static T RunOnOtherThread<T>(Func<T> body)
    {
        T result = default!;
        var t = new Thread(() => result = body());
        t.Start();
        Assert.True(t.Join(TestTimeouts.Unexpected));
        return result;
    }
}
