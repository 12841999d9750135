using Greenlets;

namespace SwitchOrderTest;

/// <summary>How to assert switch ordering in a unit test: record the switches with SwitchRecorder, then compare.</summary>
public sealed class HandoffOrderTests
{
    [Fact]
    public void PingPong_TwoRounds_AlternatesStrictly()
    {
        Greenlet? pong = null;
        var ping = new Greenlet(() =>
        {
            pong!.Switch();
            pong.Switch();
        }) { Name = "ping" };
        pong = new Greenlet(() =>
        {
            ping.Switch();
        }) { Name = "pong" };

        using var recorder = new SwitchRecorder();
        ping.Switch();

        // ping's second switch starts nothing new: pong finishes and returns to its parent, main.
        Assert.Equal(["main -> ping", "ping -> pong", "pong -> ping", "ping -> pong", "pong -> main"], recorder.Events);
    }

    [Fact]
    public void Worker_Failing_ErrorTravelsToParent()
    {
        var worker = new Greenlet(() => throw new InvalidOperationException("boom")) { Name = "worker" };

        using var recorder = new SwitchRecorder();
        Assert.Throws<InvalidOperationException>(() => worker.Switch());

        // "!>" marks an exception delivered instead of a value.
        Assert.Equal(["main -> worker", "worker !> main"], recorder.Events);
    }
}
