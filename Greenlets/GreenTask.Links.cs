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
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public void Link(Action<GreenTask> callback) => AddLink(callback, LinkKind.Any);

    /// <summary>Calls <paramref name="callback"/> with this task when it finishes successfully.</summary>
    /// <param name="callback">The callback; it runs from the hub in its own greenlet.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public void LinkValue(Action<GreenTask> callback) => AddLink(callback, LinkKind.Value);

    /// <summary>Calls <paramref name="callback"/> with this task when it fails.</summary>
    /// <param name="callback">The callback; it runs from the hub in its own greenlet.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public void LinkException(Action<GreenTask> callback) => AddLink(callback, LinkKind.Exception);

    /// <summary>Removes every link to <paramref name="callback"/>; links not yet notified are honoured.</summary>
    /// <param name="callback">The callback given to a <c>Link*</c> method.</param>
    public void Unlink(Action<GreenTask> callback) => _links?.RemoveAll(l => l.Callback == callback);

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

    private void AddLink(Action<GreenTask> callback, LinkKind kind)
    {
        ArgumentNullException.ThrowIfNull(callback);
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
