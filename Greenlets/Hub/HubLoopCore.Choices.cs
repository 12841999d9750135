namespace Greenlets.Internal;

internal sealed partial class HubLoopCore
{
    private static readonly Func<HubReadyItem, object?> GreenletOfItem = GreenletOf;
    private static readonly Func<HubTimer, object> KeyOfTimer = TimerKey;
    private static readonly Func<HubTimer, bool> IsTimerDone = static t => t.IsDone;

    /// <summary>Gets or sets how the loop asks an <see cref="IHubChooser"/> at its choice points (the next ready
    /// entry, the next of several due timers); null, the default, is gevent's FIFO order at no cost.</summary>
    public HubChoices? Choices { get; set; }

    /// <summary>Gets whether something outside the tree may still wake the hub: an awaited .NET task pending or a post
    /// not yet run. A virtual clock jumps to the next timer only when this is false.</summary>
    public bool WaitsOnRealWork => PendingTasks > 0 || ForeignAwaits?.Invoke() > 0 || !_external.IsEmpty;

    /// <summary>Returns the greenlet an entry would switch into, or null for a hub callback (or an entry that would do
    /// nothing: a wait killed after its wake, a task killed before its start); the same for both hubs.</summary>
    private static object? GreenletOf(HubReadyItem item) => item.What switch
    {
        HubReadyItem.Kind.Resume => item.Target is HubWaiter { IsResumable: true } waiter ? waiter.Party : null,
        HubReadyItem.Kind.ResumeForeign => ((AsyncForeignContinuation)item.Target).Greenlet,
        HubReadyItem.Kind.Start => item.Target switch
        {
            GreenTask { CanStartNow: true } task => task,
            AsyncGreenTask { CanStartNow: true } task => task,
            _ => null,
        },
        _ => null,
    };

    /// <summary>The key of a timer as a candidate: the greenlet its callback resumes or starts, else the callback.</summary>
    private static object TimerKey(HubTimer timer) => timer.Callback.Target switch
    {
        HubWaiter waiter => waiter.Party,
        Greenlet greenlet => greenlet,
        AsyncGreenlet greenlet => greenlet,
        _ => timer.Callback,
    };
}
