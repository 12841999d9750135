namespace Greenlets.Internal;

/// <summary>One entry of a hub's FIFO ready queue: a callback to call, a woken wait to resume, or a task to start.</summary>
internal readonly struct HubReadyItem
{
    private HubReadyItem(Kind what, object target)
    {
        What = what;
        Target = target;
    }

    /// <summary>What the hub does with an entry.</summary>
    public enum Kind : byte
    {
        /// <summary>Call an <see cref="Action"/> in the hub (gevent's <c>run_callback</c>).</summary>
        Call,

        /// <summary>Switch into a woken <see cref="HubWaiter"/>'s greenlet, unless the wait is over meanwhile.</summary>
        Resume,

        /// <summary>Start a scheduled task (a <see cref="GreenTask"/>, or an <see cref="AsyncGreenTask"/> of an async
        /// hub), unless it was killed first.</summary>
        Start,

        /// <summary>Await a <see cref="Func{TResult}"/> of <see cref="ValueTask{TResult}"/> in the hub's own greenlet (an
        /// async hub only): a callback that switches, such as a kill or a link; the value it gives is not used.</summary>
        CallAsync,

        /// <summary>Resume an async greenlet parked on a foreign await with its continuation (an async hub only).</summary>
        ResumeForeign,
    }

    public Kind What { get; }

    public object Target { get; }

    public static HubReadyItem Call(Action callback) => new(Kind.Call, callback);

    public static HubReadyItem CallAsync(Func<ValueTask<object?>> callback) => new(Kind.CallAsync, callback);

    public static HubReadyItem Resume(HubWaiter waiter) => new(Kind.Resume, waiter);

    public static HubReadyItem Start(object task) => new(Kind.Start, task);

    public static HubReadyItem ResumeForeign(AsyncForeignContinuation continuation) => new(Kind.ResumeForeign, continuation);
}
