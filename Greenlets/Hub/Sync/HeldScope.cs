namespace Greenlets.Internal;

/// <summary>One hold of a lock or a semaphore taken for a <c>using</c> scope; its releaser disposes it at most once.</summary>
/// <remarks>A releaser is a struct that may be copied (a <c>using</c> block keeps its own copy, so an explicit
/// <c>Dispose</c> inside it acts on another one): the hold, not the struct, remembers whether it was released. Each
/// releaser carries the version the hold had when it was taken; ending the hold moves the version on, so every copy's
/// later <c>Dispose</c> does nothing, and the hold can be reused for the next scope without allocating.</remarks>
internal sealed class HeldScope
{
    private int _version;

    /// <summary>Gets the version a new releaser carries.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>Ends the hold once: true for the first caller carrying <paramref name="version"/>, false for every later one.</summary>
    public bool TryEnd(int version) => Interlocked.CompareExchange(ref _version, version + 1, version) == version;

    /// <summary>Takes <paramref name="spare"/> (the primitive's cached hold) or a new one.</summary>
    public static HeldScope Take(ref HeldScope? spare) => Interlocked.Exchange(ref spare, null) ?? new HeldScope();

    /// <summary>Keeps an ended hold as the primitive's spare for its next scope.</summary>
    public void Recycle(ref HeldScope? spare) => Volatile.Write(ref spare, this);
}
