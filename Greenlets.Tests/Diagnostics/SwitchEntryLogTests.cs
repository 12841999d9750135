using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>The recorder's chunked log: entries kept in order across chunks, and snapshots that do not move.</summary>
public sealed class SwitchEntryLogTests
{
    [Fact]
    public void Add_ManyChunks_KeepsEveryEntryInOrder()
    {
        var log = new SwitchEntryLog<long>();
        for (long i = 0; i < 5_000; i++)
        {
            log.Add(i);
        }

        SwitchEntryLog<long>.View view = log.Snapshot();
        Assert.Equal(5_000, view.Count);
        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => (long)i), view.Items());
        Assert.Equal(4_321L, view[4_321]);
    }

    [Fact]
    public void Snapshot_LogGrowsAfterwards_ViewKeepsItsEntries()
    {
        var log = new SwitchEntryLog<long>();
        for (long i = 0; i < 1_500; i++)
        {
            log.Add(i);
        }

        SwitchEntryLog<long>.View before = log.Snapshot();
        for (long i = 1_500; i < 9_000; i++)
        {
            log.Add(-i);
        }

        Assert.Equal(1_500, before.Count);
        Assert.Equal(1_499L, before[1_499]);
        Assert.Throws<ArgumentOutOfRangeException>(() => before[1_500]);
        Assert.Throws<ArgumentOutOfRangeException>(() => before[-1]);
        Assert.Equal(-8_999L, log.Snapshot()[8_999]);
    }

    [Fact]
    public void Events_ThousandsOfSwitches_AllRecordedInOrder() => OnThread.Run(() =>
    {
        const int Rounds = 3_000;
        Greenlet? ping = null;
        var pong = new Greenlet(() =>
        {
            while (true)
            {
                ping!.Switch();
            }
        }) { Name = "pong" };
        ping = new Greenlet(() =>
        {
            for (int i = 0; i < Rounds; i++)
            {
                pong.Switch();
            }
        }) { Name = "ping" };

        using var recorder = new SwitchRecorder();
        ping.Switch();
        IReadOnlyList<string> events = recorder.Events;

        // main -> ping, then ping -> pong and pong -> ping per round, then ping -> main: more than two chunks.
        Assert.Equal((2 * Rounds) + 2, events.Count);
        Assert.Equal("main -> ping", events[0]);
        Assert.All(Enumerable.Range(0, Rounds), r =>
        {
            Assert.Equal("ping -> pong", events[1 + (2 * r)]);
            Assert.Equal("pong -> ping", events[2 + (2 * r)]);
        });
        Assert.Equal("ping -> main", events[^1]);
        pong.Throw();
    });
}
