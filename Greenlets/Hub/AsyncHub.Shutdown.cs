using Greenlets.Internal;

namespace Greenlets;

public sealed partial class AsyncHub
{
    /// <summary>Ends the hub from its main greenlet: kills every task still blocked, round after round until none is
    /// left, runs what was posted and refuses further posts, then ends the hub's loop (the test scheduler's clean-up,
    /// as <see cref="HubThread"/>'s is for a thread hub).</summary>
    /// <remarks>A blocked async task that nobody kills would simply be collected and its <c>finally</c> blocks would
    /// never run; killing them here runs them. Only listed waits are seen: that is every wait that can last (a yield is
    /// ready and runs in the first round).</remarks>
    /// <exception cref="InvalidOperationException">Called from a greenlet other than the tree's main greenlet.</exception>
    internal async ValueTask ShutDownAsync()
    {
        if (!IsOwnFlow || !AsyncGreenlet.Current.IsMain)
        {
            throw new InvalidOperationException("AsyncHub.ShutDownAsync runs in the main greenlet of the hub's own tree.");
        }

        while (!IsDead)
        {
            // Posted work spawns its tasks and every ready greenlet runs once, so each blocked task is listed.
            await SleepAsync(TimeSpan.Zero);
            List<AsyncGreenTask> live = [];
            for (HubWaiter? w = _loop.Blocked.First; w is not null; w = _loop.Blocked.Next(w))
            {
                if (w.Party is AsyncGreenTask { IsReady: false } task && !live.Contains(task))
                {
                    live.Add(task);
                }
            }

            if (live.Count == 0)
            {
                break;
            }

            try
            {
                await KillAllAsync(live);
            }
            catch (HubLoopExitException)
            {
                // A task caught its GreenletExit and waits for something nobody will do: the next round kills it again.
            }
        }

        _loop.ClosePosts(e => ReportError(this, e));
        if (!IsDead)
        {
            // Ends the hub's loop now; AsyncHub.Current would make a new one for this flow.
            await ThrowAsync(new GreenletExit());
        }
    }
}
