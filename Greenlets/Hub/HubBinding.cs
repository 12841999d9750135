namespace Greenlets.Internal;

/// <summary>
/// The thread rule of the hub objects, in one place: an object belongs to one hub; a member either runs in that hub's
/// tree, is posted into it (a "fire" member that can neither block nor fail), or throws <see cref="GreenletError"/>
/// naming itself before it changes anything.
/// </summary>
/// <remarks>
/// <para>An instance is the binding of one primitive. It binds on the first member that needs a hub (a wait, or a
/// member that must run in the owning tree), to the caller's hub. Until then the object has no waiters, so a fire
/// member from any thread runs at once, serialised with the other fire members and the binding by a lock.</para>
/// <para>The static members serve objects bound from birth (a <see cref="GreenTask"/> to the hub that created it).</para>
/// </remarks>
internal sealed class HubBinding
{
    // The binding whose fire member runs inline on this thread; its members' guards must not re-enter.
    [ThreadStatic]
    private static HubBinding? inline;

    private readonly Lock _sync = new();
    private volatile IWaitHub? _hub;

    /// <summary>Gets the hub the object belongs to (a thread <see cref="Greenlets.Hub"/> or an <see cref="AsyncHub"/>),
    /// or null before its first use in a tree.</summary>
    public IWaitHub? Hub => _hub;

    /// <summary>Gets whether the caller runs in <paramref name="hub"/>'s tree.</summary>
    public static bool IsOnTree(Hub hub) => GreenletCore.OnThisThread?.Tree == hub.Tree;

    /// <summary>For a member that may block or returns what it found: throws unless the caller runs in <paramref name="hub"/>'s tree.</summary>
    /// <exception cref="GreenletError">The caller runs in another thread.</exception>
    public static void Check(IWaitHub hub, string member)
    {
        if (!hub.IsOwnTree)
        {
            throw Foreign(hub, member);
        }
    }

    /// <summary>For a fire member of an object of <paramref name="hub"/>: true when the call was posted into the hub (which
    /// wakes at once and repeats it there), so the caller returns; false when the caller runs in the hub's tree and
    /// goes on.</summary>
    /// <remarks>With <c>stoppedIsDone</c>, a stopped hub makes the call moot (it returns true) rather than an error.</remarks>
    /// <exception cref="GreenletError">The hub's <see cref="HubThread"/> has stopped: nothing would run the call.</exception>
    public static bool Marshal<TState>(IWaitHub hub, string member, Action<TState> operation, TState state, bool stoppedIsDone = false)
    {
        if (hub.IsOwnTree)
        {
            return false;
        }

        if (!hub.TryPost(() => operation(state)) && !stoppedIsDone)
        {
            throw new GreenletError($"{member} was called from {Caller()}, but {hub.Owner} that owns the object has stopped.");
        }

        return true;
    }

    /// <summary>Binds to the caller's hub if unbound, then throws unless the caller runs in the owning tree.</summary>
    /// <exception cref="GreenletError">The object belongs to another thread's hub.</exception>
    public void Enter(string member) => Enter(member, async: false);

    /// <summary>For an <c>*Async</c> member: binds to the hub of the calling code if unbound (the async hub in async
    /// greenlet code, else the thread hub), then throws unless the caller runs in the owning tree.</summary>
    /// <exception cref="GreenletError">The object belongs to another hub.</exception>
    public void EnterEither(string member) => Enter(member, AsyncHub.CallerIsAsync);

    private void Enter(string member, bool async)
    {
        IWaitHub? hub = _hub;
        if (hub is not null && hub.IsOwnTree)
        {
            return;
        }

        if (inline == this)
        {
            return;
        }

        if (!async)
        {
            AsyncHub.ThrowIfAsyncCaller();
        }

        if (hub is null)
        {
            IWaitHub current = async ? AsyncHub.Current : Greenlets.Hub.Current;
            lock (_sync)
            {
                hub = _hub ??= current;
            }
        }

        Check(hub, member);
    }

    /// <summary>For a fire member: true when the call was done elsewhere (posted into the owning hub, or run here at once
    /// while the object is unbound or its hub has stopped), so the caller returns; false when the caller runs in the
    /// owning tree and goes on.</summary>
    public bool Marshal<TState>(string member, Action<TState> operation, TState state)
    {
        IWaitHub? hub = _hub;
        if (hub is not null && hub.IsOwnTree)
        {
            return false;
        }

        if (inline == this)
        {
            return false;
        }

        if (hub is null || !hub.TryPost(() => operation(state)))
        {
            lock (_sync)
            {
                // Unbound, nobody waits on the object; with its hub stopped, nobody ever will. Either way nothing of a
                // hub runs on it, and the lock keeps such calls (and the binding) one at a time.
                if (_hub is { } bound && !ReferenceEquals(bound, hub))
                {
                    // Bound meanwhile: post after all.
                    return Marshal(member, operation, state);
                }

                HubBinding? outer = inline;
                inline = this;
                try
                {
                    operation(state);
                }
                finally
                {
                    inline = outer;
                }
            }
        }

        return true;
    }

    private static GreenletError Foreign(IWaitHub hub, string member) => new(
        $"{member} was called from {Caller()}, but the object belongs to {hub.Owner}. " +
        "From another thread only the non-blocking members (GreenEvent.Set/Clear, GreenResult.Set*, an unbounded GreenQueue.Put, " +
        "GreenSemaphore.Release, GreenTask.Start/Link/Kill(block: false), ...) may be called; post other work with Hub.InvokeAsync.");

    private static string Caller() => GreenletCore.OnThisThread?.Tree is { } tree
        ? $"a greenlet of thread {tree.Owner.ManagedThreadId}"
        : $"thread {Environment.CurrentManagedThreadId}";
}
