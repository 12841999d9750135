using Greenlets.Internal;

namespace Greenlets;

public partial class AsyncGreenlet : IWaitParty
{
    // What a scheduler parked this greenlet on, for diagnostics; null while it does not wait.
    private object? _waitingOn;

    /// <inheritdoc/>
    object? IWaitParty.WaitingOn
    {
        get => _waitingOn;
        set => _waitingOn = value;
    }

    /// <summary>Gets what the greenlet waits on (set by the scheduler that parked it), or null.</summary>
    internal object? WaitingOn => _waitingOn;
}
