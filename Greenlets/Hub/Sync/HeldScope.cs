namespace Greenlets.Internal;

/// <summary>One hold of a lock or a semaphore taken for a <c>using</c> scope; its releaser disposes it at most once.</summary>
/// <remarks>A releaser is a struct that may be copied (a <c>using</c> block keeps its own copy, so an explicit
/// <c>Dispose</c> inside it acts on another one): the hold, not the struct, remembers whether it was released. Each
/// releaser carries a <see cref="Ticket"/>, the version the hold had when it was taken; ending the hold moves the
/// version on, so every copy's later <c>Dispose</c> does nothing, and the hold is kept as the primitive's spare for its
/// next scope, which so allocates nothing. The rule is here once, for every primitive with a scope.</remarks>
internal sealed class HeldScope
{
    private int _version;

    private HeldScope()
    {
    }

    /// <summary>Starts a scope on <paramref name="spare"/> (the primitive's kept hold) or on a new hold.</summary>
    /// <returns>The ticket the scope's releaser carries.</returns>
    public static Ticket Begin(ref HeldScope? spare)
    {
        HeldScope scope = Interlocked.Exchange(ref spare, null) ?? new HeldScope();
        return new Ticket(scope, Volatile.Read(ref scope._version));
    }

    /// <summary>What a releaser (and every copy of it) carries: the hold and the version it had when the scope began.</summary>
    internal readonly struct Ticket
    {
        private readonly HeldScope _scope;
        private readonly int _version;

        public Ticket(HeldScope scope, int version)
        {
            _scope = scope;
            _version = version;
        }

        /// <summary>Ends the hold once and keeps it as the primitive's <paramref name="spare"/>: true for the first
        /// caller carrying this version (which then releases the primitive), false for every later one.</summary>
        public bool TryEnd(ref HeldScope? spare)
        {
            if (Interlocked.CompareExchange(ref _scope._version, _version + 1, _version) != _version)
            {
                return false;
            }

            Volatile.Write(ref spare, _scope);
            return true;
        }
    }
}
