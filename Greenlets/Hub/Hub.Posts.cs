using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    private readonly HubSignal _signal = new();

    /// <summary>Runs <paramref name="callback"/> in the hub; callable from any thread.</summary>
    internal void Post(Action callback) => TryPost(callback);

    /// <summary>Queues <paramref name="callback"/> to run in the hub and wakes it at once; false once the hub no longer
    /// takes posts (its <see cref="HubThread"/> finished).</summary>
    internal bool TryPost(Action callback) => _loop.TryPost(callback);

    /// <summary>Refuses further posts and runs, on the hub's thread, the callbacks already posted.</summary>
    internal void ClosePosts() => _loop.ClosePosts(e => ReportError(this, e));
}
