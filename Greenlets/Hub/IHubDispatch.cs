namespace Greenlets.Internal;

/// <summary>
/// How one hub runs a ready entry once <see cref="HubLoopCore.Dispatch{THub, TResult}"/> has said what the entry does:
/// the thread hub's blocking switches (<see cref="Hub"/>), the async hub's awaited ones (<see cref="AsyncHub"/>).
/// </summary>
/// <typeparam name="TResult">What a step gives back: nothing to wait for on the thread hub, the switch to await on the
/// async hub; <c>default</c> for an entry that does nothing.</typeparam>
/// <remarks>Implemented by a struct of each hub, so that the shared rule is specialised for each hub and its calls are
/// direct: no virtual call and no allocation per entry.</remarks>
internal interface IHubDispatch<TResult>
{
    /// <summary>Switches into the greenlet of <paramref name="waiter"/>, a woken wait that is not over.</summary>
    TResult Resume(HubWaiter waiter);

    /// <summary>Gets whether <paramref name="task"/>, a scheduled task of this hub, was neither killed nor started.</summary>
    bool CanStart(object task);

    /// <summary>Starts <paramref name="task"/>, which <see cref="CanStart"/> said may start.</summary>
    TResult Start(object task);

    /// <summary>Calls <paramref name="callback"/> in the hub.</summary>
    TResult Call(Action callback);

    /// <summary>Runs <paramref name="callback"/>, a callback that switches, in the hub's own greenlet (an async hub only).</summary>
    TResult CallAsync(Func<ValueTask<object?>> callback);

    /// <summary>Resumes a greenlet parked on a foreign await with its continuation (an async hub only).</summary>
    TResult ResumeForeign(AsyncForeignContinuation continuation);
}
