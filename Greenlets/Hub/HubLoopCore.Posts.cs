using System.Collections.Concurrent;

namespace Greenlets.Internal;

internal sealed partial class HubLoopCore
{
    private readonly ConcurrentQueue<Action> _external = new();
    private readonly Lock _postSync = new();
    private readonly Action _wake;
    private bool _postClosed;

    /// <summary>Queues <paramref name="callback"/> to run in the hub and wakes it at once; callable from any thread.
    /// False once the hub no longer takes posts.</summary>
    public bool TryPost(Action callback)
    {
        lock (_postSync)
        {
            if (_postClosed)
            {
                return false;
            }

            _external.Enqueue(callback);
        }

        _wake();
        return true;
    }

    /// <summary>Refuses further posts and runs, on the calling thread, the callbacks already posted.</summary>
    /// <remarks>Held under the post lock so that a foreign caller refused by <see cref="TryPost"/> only ever acts after
    /// the last posted callback has run.</remarks>
    public void ClosePosts(Action<Exception> report)
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
                    report(e);
                }
            }
        }
    }

    /// <summary>Moves the callbacks posted from other threads to the end of the ready queue.</summary>
    public void DrainExternal()
    {
        while (_external.TryDequeue(out Action? callback))
        {
            _ready.Enqueue(HubReadyItem.Call(callback));
        }
    }
}
