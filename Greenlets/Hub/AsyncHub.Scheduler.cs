using Greenlets.Internal;

namespace Greenlets;

/// <summary>The async hub as its tree's scheduler (<see cref="IAsyncTreeScheduler"/>): what makes any await
/// cooperative.</summary>
/// <remarks>
/// <para>A greenlet of the hub's tree that awaits something that is not a switch (a socket read, <c>Task.Delay</c>,
/// <c>HttpClient</c>) is parked by the Async layer: the baton comes to the hub, which runs the others. When the awaited
/// work completes, on whatever thread, its continuation is posted to the hub like any post from another thread, and
/// the hub resumes the greenlet with it in FIFO order with the other posts; the greenlet's code never runs concurrently
/// with another greenlet of the tree. While greenlets are parked the loop stays alive, as it does for
/// <see cref="AsyncHub.WaitAsync(Task)"/>.</para>
/// <para>The hub idles through the seam (<see cref="AsyncSchedulerLink.WaitForWorkAsync"/>), woken by posts and by
/// one timer of the hub's clock for the next due timer, so it always continues inside a step of its tree.</para>
/// </remarks>
public sealed partial class AsyncHub : IAsyncTreeScheduler
{
    private static readonly TimerCallback WakeLink = static link => ((AsyncSchedulerLink)link!).Wake();
    private AsyncSchedulerLink? _link;

    AsyncGreenlet IAsyncTreeScheduler.Greenlet => this;

    /// <summary>Any thread: a post, which resumes the greenlet right after it runs in the hub.</summary>
    void IAsyncTreeScheduler.Enqueue(AsyncForeignContinuation continuation) =>
        _loop.TryPost(() => _next.Enqueue(HubReadyItem.ResumeForeign(continuation)));

    void IAsyncTreeScheduler.ReportError(AsyncGreenlet greenlet, Exception error) => ReportError(greenlet, error);

    private void AttachScheduler() => _link = AsyncSchedulerLink.Attach(this);

    /// <summary>Wakes the idle hub (a post arrived, or the next timer is due); callable from any thread.</summary>
    private void Wake() => _link?.Wake();

    private int CountParked() => _link?.ParkedCount ?? 0;

    /// <summary>Arms the wake for the next due timer on the hub's clock (none when <paramref name="delay"/> is null);
    /// dispose it once woken.</summary>
    private ITimer? WakeAfter(TimeSpan? delay) =>
        delay is { } due ? _loop.Time.CreateTimer(WakeLink, _link, due, Timeout.InfiniteTimeSpan) : null;
}
