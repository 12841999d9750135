namespace Greenlets.Internal;

/// <summary>
/// A party that can wait in a scheduler: a stackful <see cref="Greenlet"/> or a stackless async greenlet. The layer
/// that parks it records here what it waits on, for diagnostics; nothing else of the waiting is known at this level.
/// </summary>
internal interface IWaitParty
{
    /// <summary>Gets or sets what the party waits on (formatted with <see cref="object.ToString"/>), or null.</summary>
    object? WaitingOn { get; set; }
}
