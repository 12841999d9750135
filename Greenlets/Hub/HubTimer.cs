namespace Greenlets.Internal;

/// <summary>A one-shot timer of a hub: its callback runs in the hub when due, unless cancelled first.</summary>
internal sealed class HubTimer
{
    public HubTimer(Hub hub, long due, Action callback, bool keepsAlive)
    {
        Hub = hub;
        Due = due;
        Callback = callback;
        KeepsAlive = keepsAlive;
    }

    public Hub Hub { get; }

    /// <summary>Gets the timestamp of the hub's <see cref="TimeProvider"/> when the timer is due.</summary>
    public long Due { get; }

    public Action Callback { get; }

    /// <summary>Gets whether the timer keeps the hub's loop alive (gevent's <c>ref=True</c>).</summary>
    public bool KeepsAlive { get; }

    /// <summary>Gets or sets whether the timer fired or was cancelled.</summary>
    public bool IsDone { get; set; }

    /// <summary>Cancels the timer; does nothing once it fired.</summary>
    public void Cancel() => Hub.CancelTimer(this);
}
