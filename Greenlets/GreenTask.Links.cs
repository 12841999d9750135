namespace Greenlets;

public partial class GreenTask
{
    private List<Action<GreenTask>>? _rawLinks;
    private List<(Action<GreenTask> Callback, LinkKind Kind)>? _links;

    private enum LinkKind
    {
        Any,
        Value,
        Exception,
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

        _links?.RemoveAll(l => l.Callback == callback);
    }

    /// <summary>Adds a callback run directly (not in its own greenlet) when the task finishes; it must not block.</summary>
    internal void AddRawLink(Action<GreenTask> callback)
    {
        if (_ready)
        {
            callback(this);
            return;
        }

        (_rawLinks ??= []).Add(callback);
    }

    internal void RemoveRawLink(Action<GreenTask> callback) => _rawLinks?.Remove(callback);

    private void AddLink(Action<GreenTask> callback, LinkKind kind, string member)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (Internal.HubBinding.Marshal(_hub, member, static s => s.Task.AddLink(s.Callback, s.Kind, s.Member), (Task: this, Callback: callback, Kind: kind, Member: member)))
        {
            return;
        }

        (_links ??= []).Add((callback, kind));
        if (_ready)
        {
            _hub.Schedule(RunLinks);
        }
    }

    private bool HasUserLinks(bool success) =>
        _links is { } links && links.Exists(l => l.Kind == LinkKind.Any || (l.Kind == LinkKind.Value) == success);

    private void NotifyLinks()
    {
        if (_rawLinks is { } raw)
        {
            _rawLinks = null;
            foreach (Action<GreenTask> callback in raw)
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

        if (_links is { Count: > 0 })
        {
            _hub.Schedule(RunLinks);
        }
    }

    private void RunLinks()
    {
        bool success = _error is null;
        while (_links is { Count: > 0 } links)
        {
            (Action<GreenTask> callback, LinkKind kind) = links[0];
            links.RemoveAt(0);
            if (kind == LinkKind.Any || (kind == LinkKind.Value) == success)
            {
                var link = new Greenlet(() => callback(this), _hub) { Name = $"link of {Name}" };
                try
                {
                    link.Switch();
                }
                catch (Exception e) when (e is not GreenletExit)
                {
                    _hub.ReportError(link, e);
                }
            }
        }
    }
}
