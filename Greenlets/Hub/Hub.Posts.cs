using System.Collections.Concurrent;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    private readonly ConcurrentQueue<Action> _external = new();
    private readonly Lock _postSync = new();
    private readonly HubSignal _signal = new();
    private bool _postClosed;

    /// <summary>Runs <paramref name="callback"/> in the hub; callable from any thread.</summary>
    internal void Post(Action callback) => TryPost(callback);

    /// <summary>Queues <paramref name="callback"/> to run in the hub and wakes it at once; false once the hub no longer
    /// takes posts (its <see cref="HubThread"/> finished).</summary>
    internal bool TryPost(Action callback)
    {
        lock (_postSync)
        {
            if (_postClosed)
            {
                return false;
            }

            _external.Enqueue(callback);
        }

        _signal.Set();
        return true;
    }

    /// <summary>Refuses further posts and runs, on the hub's thread, the callbacks already posted.</summary>
    /// <remarks>Held under the post lock so that a foreign caller refused by <see cref="TryPost"/> only ever acts after
    /// the last posted callback has run.</remarks>
    internal void ClosePosts()
    {
        lock (_postSync)
        {
            _postClosed = true;
            while (_external.TryDequeue(out Action? callback))
            {
                try
                {
                    callback();
                }
                catch (Exception e) when (e is not GreenletExit)
                {
                    ReportError(this, e);
                }
            }
        }
    }

    /// <summary>Moves the callbacks posted from other threads to the end of the ready queue.</summary>
    private void DrainExternal()
    {
        while (_external.TryDequeue(out Action? callback))
        {
            _ready.Enqueue(HubReadyItem.Call(callback));
        }
    }
}
