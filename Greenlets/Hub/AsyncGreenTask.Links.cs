using Greenlets.Internal;

namespace Greenlets;

public partial class AsyncGreenTask
{
    // gevent's Greenlet._links: one list, in the order added, of internal raw callbacks (JoinAllAsync) and user links.
    private List<(LinkKind Kind, Action<AsyncGreenTask> Callback)>? _links;
    private bool _linksScheduled;

    private enum LinkKind
    {
        Any,
        Value,
        Exception,
        Raw,
    }

    /// <summary>Calls <paramref name="callback"/> with this task when it finishes, even if it has finished already.</summary>
    /// <param name="callback">The callback; it runs in the hub (after the joiners are resumed), so it must not wait:
    /// spawn a task from it to wait. Links run in the order added; an exception escaping one is reported.</param>
    /// <remarks>Callable from any thread: posted into the task's hub, which wakes at once.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public void Link(Action<AsyncGreenTask> callback) => AddLink(callback, LinkKind.Any, "AsyncGreenTask.Link");

    /// <summary>Calls <paramref name="callback"/> with this task when it finishes successfully.</summary>
    /// <param name="callback">The callback; it runs in the hub.</param>
    /// <remarks>Callable from any thread: posted into the task's hub, which wakes at once.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public void LinkValue(Action<AsyncGreenTask> callback) => AddLink(callback, LinkKind.Value, "AsyncGreenTask.LinkValue");

    /// <summary>Calls <paramref name="callback"/> with this task when it fails.</summary>
    /// <param name="callback">The callback; it runs in the hub.</param>
    /// <remarks>Callable from any thread: posted into the task's hub, which wakes at once.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public void LinkException(Action<AsyncGreenTask> callback) => AddLink(callback, LinkKind.Exception, "AsyncGreenTask.LinkException");

    /// <summary>Removes every link to <paramref name="callback"/>; links not yet notified are honoured.</summary>
    /// <param name="callback">The callback given to a <c>Link*</c> method.</param>
    /// <remarks>Callable from any thread: posted into the task's hub, in order with the <c>Link*</c> calls.</remarks>
    public void Unlink(Action<AsyncGreenTask> callback)
    {
        if (HubBinding.Marshal(_hub, "AsyncGreenTask.Unlink", static s => s.Task.Unlink(s.Callback), (Task: this, Callback: callback)))
        {
            return;
        }

        _links?.RemoveAll(l => l.Kind <= LinkKind.Exception && l.Callback == callback);
    }

    /// <summary>Adds a callback that does not count as observing a failure (JoinAllAsync's bookkeeping).</summary>
    internal void AddRawLink(Action<AsyncGreenTask> callback) => Add(LinkKind.Raw, callback);

    internal void RemoveRawLink(Action<AsyncGreenTask> callback) => _links?.RemoveAll(l => l.Kind == LinkKind.Raw && l.Callback == callback);

    private void AddLink(Action<AsyncGreenTask> callback, LinkKind kind, string member)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (HubBinding.Marshal(_hub, member, static s => s.Task.AddLink(s.Callback, s.Kind, s.Member), (Task: this, Callback: callback, Kind: kind, Member: member)))
        {
            return;
        }

        Add(kind, callback);
    }

    /// <summary>gevent's <c>rawlink</c>: a link added to a finished task schedules the notifier.</summary>
    private void Add(LinkKind kind, Action<AsyncGreenTask> callback)
    {
        (_links ??= []).Add((kind, callback));
        if (_outcome.IsReady)
        {
            ScheduleLinks();
        }
    }

    private bool HasUserLinks(bool success) =>
        _links is { } links && links.Exists(l => l.Kind == LinkKind.Any || (l.Kind == LinkKind.Value && success) || (l.Kind == LinkKind.Exception && !success));

    /// <summary>Schedules the one hub callback that runs the links, unless it is scheduled already (gevent's notifier).</summary>
    private void ScheduleLinks()
    {
        if (_linksScheduled || _links is not { Count: > 0 })
        {
            return;
        }

        _linksScheduled = true;
        _hub.Schedule(RunLinks);
    }

    /// <summary>Runs the links in the order added; links added meanwhile run in the same pass.</summary>
    private void RunLinks()
    {
        try
        {
            bool success = _outcome.Error is null;
            while (_links is { Count: > 0 } links)
            {
                (LinkKind kind, Action<AsyncGreenTask> callback) = links[0];
                links.RemoveAt(0);
                if (kind is LinkKind.Any or LinkKind.Raw || (kind == LinkKind.Value) == success)
                {
                    try
                    {
                        callback(this);
                    }
                    catch (Exception e) when (e is not GreenletExit)
                    {
                        _hub.ReportError(this, e);
                    }
                }
            }
        }
        finally
        {
            // Cleared last, as gevent's notifier counts as pending while it runs: a link added meanwhile runs in this pass.
            _linksScheduled = false;
        }
    }
}
