using System.Diagnostics;

namespace Greenlets.Internal;

/// <summary>The handoff mechanism of systems without raw futexes (Windows, macOS), or of any system when
/// <c>GREENLETS_HANDOFF=portable</c>: a semaphore of one permit, no placement and no spinning.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A gate lives as long as its thread; the semaphore holds no unmanaged handle until waited on with a timeout.")]
internal sealed class PortableHandoffGate : HandoffGate
{
    /// <summary>The name <see cref="HandoffGate.Mechanism"/> reports.</summary>
    public const string Name = "portable";

    // At most one permit: a second signal before the owner's wait (two batons) throws SemaphoreFullException.
    private readonly SemaphoreSlim _permit = new(0, 1);

    /// <summary>Opens the gate.</summary>
    public void SignalCore()
    {
        Debug.Assert(_permit.CurrentCount == 0, "Portable gate signalled twice: two threads hold one baton.");
        _permit.Release();
    }

    /// <summary>Waits for the gate (<see cref="Timeout.Infinite"/>: no limit); true when it was opened.</summary>
    public bool WaitCore(int millisecondsTimeout) => _permit.Wait(millisecondsTimeout);
}
