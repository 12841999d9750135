using Greenlets.Internal;

namespace Greenlets;

public partial class GreenTask
{
    // gevent's Greenlet._links: one list, in the order added, of joiners (a waiter to switch into), internal raw
    // callbacks (a group's discard, JoinAll) and user links (run in a greenlet of their own).
    private List<LinkEntry>? _links;
    private bool _notifierScheduled;

    private enum LinkKind
    {
        Any,
        Value,
        Exception,
        Raw,
        Joiner,
    }

    /// <summary>Calls <paramref name="callback"/> with this task when it finishes, even if it has finished already.</summary>
    /// <param name="callback">The callback; it runs from the hub in its own greenlet, so it may wait. Links run in the order added.</param>
    /// <remarks>Callable from any thread: posted into the task's hub, which wakes at once.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="GreenletError">Called from another thread after the task's <see cref="HubThread"/> stopped.</exception>
    public void Link(Action<GreenTask> callback) => AddLink(callback, LinkKind.Any, "GreenTask.Link");

    /// <summary>Calls <paramref name="callback"/> with this task when it finishes successfully.</summary>
    /// <param name="callback">The callback; it runs from the hub in its own greenlet.</param>
    /// <remarks>Callable from any thread: posted into the task's hub, which wakes at once.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="GreenletError">Called from another thread after the task's <see cref="HubThread"/> stopped.</exception>
    public void LinkValue(Action<GreenTask> callback) => AddLink(callback, LinkKind.Value, "GreenTask.LinkValue");

    /// <summary>Calls <paramref name="callback"/> with this task when it fails.</summary>
    /// <param name="callback">The callback; it runs from the hub in its own greenlet.</param>
    /// <remarks>Callable from any thread: posted into the task's hub, which wakes at once.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="GreenletError">Called from another thread after the task's <see cref="HubThread"/> stopped.</exception>
    public void LinkException(Action<GreenTask> callback) => AddLink(callback, LinkKind.Exception, "GreenTask.LinkException");

    /// <summary>Removes every link to <paramref name="callback"/>; links not yet notified are honoured.</summary>
    /// <param name="callback">The callback given to a <c>Link*</c> method.</param>
    /// <remarks>Callable from any thread: posted into the task's hub, in order with the <c>Link*</c> calls.</remarks>
    /// <exception cref="GreenletError">Called from another thread after the task's <see cref="HubThread"/> stopped.</exception>
    public void Unlink(Action<GreenTask> callback)
    {
        if (Internal.HubBinding.Marshal(_hub, "GreenTask.Unlink", static s => s.Task.Unlink(s.Callback), (Task: this, Callback: callback)))
        {
            return;
        }

        _links?.RemoveAll(l => l.Kind <= LinkKind.Exception && l.Callback == callback);
    }

    /// <summary>Adds a callback run directly (not in its own greenlet) by the link notifier; it must not block.</summary>
    internal void AddRawLink(Action<GreenTask> callback) => Add(new LinkEntry(LinkKind.Raw, callback, null));

    internal void RemoveRawLink(Action<GreenTask> callback) => _links?.RemoveAll(l => l.Kind == LinkKind.Raw && l.Callback == callback);

    private void AddLink(Action<GreenTask> callback, LinkKind kind, string member)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (Internal.HubBinding.Marshal(_hub, member, static s => s.Task.AddLink(s.Callback, s.Kind, s.Member), (Task: this, Callback: callback, Kind: kind, Member: member)))
        {
            return;
        }

        Add(new LinkEntry(kind, callback, null));
    }

    /// <summary>gevent's <c>rawlink</c>: a link added to a finished task schedules the notifier.</summary>
    private void Add(LinkEntry entry)
    {
        (_links ??= []).Add(entry);
        if (_outcome.IsReady)
        {
            ScheduleLinks();
        }
    }

    private void AddJoiner(HubWaiter waiter) => Add(new LinkEntry(LinkKind.Joiner, null, waiter));

    private void RemoveJoiner(HubWaiter waiter) => _links?.RemoveAll(l => l.Waiter == waiter);

    private bool HasUserLinks(bool success) =>
        _links is { } links && links.Exists(l => l.Kind == LinkKind.Any || (l.Kind == LinkKind.Value && success) || (l.Kind == LinkKind.Exception && !success));

    /// <summary>Schedules the one hub callback that runs the links, unless it is scheduled already (gevent's notifier).</summary>
    private void ScheduleLinks()
    {
        if (_notifierScheduled || _links is not { Count: > 0 })
        {
            return;
        }

        _notifierScheduled = true;
        _hub.Schedule(RunLinks);
    }

    /// <summary>Runs the links in the order added: a joiner is switched into (it runs until it waits again), a raw
    /// callback is called, a user link runs in a new greenlet; links added meanwhile run in the same pass.</summary>
    private void RunLinks()
    {
        try
        {
            bool success = _outcome.Error is null;
            while (_links is { Count: > 0 } links)
            {
                LinkEntry entry = links[0];
                links.RemoveAt(0);
                Greenlet source = this;
                try
                {
                    switch (entry.Kind)
                    {
                        case LinkKind.Joiner:
                            entry.Waiter!.Resume(null);
                            break;
                        case LinkKind.Raw:
                            entry.Callback!(this);
                            break;
                        default:
                            if (entry.Kind == LinkKind.Any || (entry.Kind == LinkKind.Value) == success)
                            {
                                Action<GreenTask> callback = entry.Callback!;
                                source = new Greenlet(() => callback(this), _hub) { Name = $"link of {Name}" };
                                source.Switch();
                            }

                            break;
                    }
                }
                catch (Exception e) when (e is not GreenletExit)
                {
                    _hub.ReportError(source, e);
                }
            }
        }
        finally
        {
            // Cleared last, as gevent's notifier counts as pending while it runs: a link added meanwhile runs in this pass.
            _notifierScheduled = false;
        }
    }

    private readonly record struct LinkEntry(LinkKind Kind, Action<GreenTask>? Callback, HubWaiter? Waiter);
}
