namespace Greenlets.Internal;

/// <summary>A one-shot timer of a hub: its callback runs in the hub when due, unless cancelled first.</summary>
internal sealed class HubTimer
{
    private readonly HubLoopCore _loop;

    public HubTimer(HubLoopCore loop, long due, Action callback, bool keepsAlive)
    {
        _loop = loop;
        Due = due;
        Callback = callback;
        KeepsAlive = keepsAlive;
    }

    /// <summary>Gets the hub whose loop runs the timer.</summary>
    public IWaitHub Hub => _loop.Owner;

    /// <summary>Gets the timestamp of the hub's <see cref="TimeProvider"/> when the timer is due.</summary>
    public long Due { get; }

    public Action Callback { get; }

    /// <summary>Gets whether the timer keeps the hub's loop alive (gevent's <c>ref=True</c>).</summary>
    public bool KeepsAlive { get; }

    /// <summary>Gets or sets whether the timer fired or was cancelled.</summary>
    public bool IsDone { get; set; }

    /// <summary>Cancels the timer; does nothing once it fired.</summary>
    public void Cancel() => _loop.CancelTimer(this);
}
