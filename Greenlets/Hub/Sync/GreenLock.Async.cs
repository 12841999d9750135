namespace Greenlets;

public sealed partial class GreenLock
{
    /// <summary>Takes the lock from async greenlet code (again, if the running async greenlet holds it), waiting
    /// cooperatively until it is free.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>True when the lock was taken; false when the timeout passed first.</returns>
    /// <remarks>The owner is the running <see cref="AsyncGreenlet"/>; release it with <see cref="Release"/> from that
    /// greenlet. From thread greenlet code it behaves as <see cref="Acquire(TimeSpan?)"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The lock belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while another greenlet holds the lock.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever release the lock.</exception>
    public ValueTask<bool> AcquireAsync(TimeSpan? timeout = null)
    {
        Internal.HubTimeouts.Check(timeout, nameof(timeout));
        _binding.EnterEither("GreenLock.AcquireAsync");
        object current = CurrentOwner();
        if (ReferenceEquals(_owner, current))
        {
            _depth++;
            return new ValueTask<bool>(true);
        }

        ValueTask<bool> acquire = _block.AcquireAsync(timeout);
        if (acquire.IsCompletedSuccessfully)
        {
            return new ValueTask<bool>(Took(acquire.Result, current));
        }

        return AcquireSlowAsync(acquire, current);
    }

    /// <summary>The party that owns the lock when the caller takes it: the running async greenlet in async code, else
    /// the running greenlet.</summary>
    private static object CurrentOwner() => AsyncHub.CallerIsAsync ? AsyncGreenlet.Current : Greenlet.Current;

    private async ValueTask<bool> AcquireSlowAsync(ValueTask<bool> acquire, object current) => Took(await acquire, current);

    private bool Took(bool acquired, object current)
    {
        if (acquired)
        {
            _owner = current;
            _depth = 1;
        }

        return acquired;
    }
}
