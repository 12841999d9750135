using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    private static readonly Func<HubReadyItem, object?> GreenletOfItem = GreenletOf;
    private static readonly Func<HubTimer, object> KeyOfTimer = TimerKey;
    private static readonly Func<HubTimer, bool> IsTimerDone = static t => t.IsDone;
    private HubChoices? _choices;

    /// <summary>Gets or sets the chooser consulted at every choice point (see <see cref="IHubChooser"/>); null, the
    /// default, is gevent's FIFO order at no cost.</summary>
    /// <exception cref="GreenletError">Set from outside the hub's tree.</exception>
    internal IHubChooser? Chooser
    {
        get => _choices?.Chooser;
        set
        {
            CheckOwnTree("Hub.Chooser");
            _choices = value is null ? null : new HubChoices(value);
        }
    }

    /// <summary>Gets whether something outside the tree may still wake the hub: a <see cref="Wait(Task)"/> pending or a
    /// post not yet run. A virtual clock jumps to the next timer only when this is false.</summary>
    internal bool WaitsOnRealWork => _pendingTasks > 0 || !_external.IsEmpty;

    /// <summary>Returns the greenlet an entry would switch into, or null for a hub callback (or an entry that would do
    /// nothing: a wait killed after its wake, a task killed before its start).</summary>
    private static Greenlet? GreenletOf(HubReadyItem item) => item.What switch
    {
        HubReadyItem.Kind.Resume => item.Target is HubWaiter { IsResumable: true } waiter ? waiter.Greenlet : null,
        HubReadyItem.Kind.Start => item.Target is GreenTask { CanStartNow: true } task ? task : null,
        _ => null,
    };

    /// <summary>The key of a timer as a candidate: the greenlet its callback resumes or starts, else the callback.</summary>
    private static object TimerKey(HubTimer timer) => timer.Callback.Target switch
    {
        HubWaiter waiter => waiter.Greenlet,
        Greenlet greenlet => greenlet,
        _ => timer.Callback,
    };

    /// <summary>Takes the next ready entry under <see cref="Chooser"/> (see <see cref="HubChoices.TryTake"/>).</summary>
    private bool TryTakeChosen(out HubReadyItem item) => _choices!.TryTake(_ready, GreenletOfItem, out item);

    /// <summary>Picks which of the timers due by <paramref name="now"/> fires next under <see cref="Chooser"/>.</summary>
    private HubTimer ChooseDueTimer(HubTimer first, (long Due, long Sequence) priority, long now)
        => _choices!.PickDue(_timers, first, priority, now, IsTimerDone, KeyOfTimer);
}
