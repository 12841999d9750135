using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Greenlets.Internal;

/// <summary>
/// The one protocol of a futex word that carries a baton to a single waiter: <see cref="Closed"/>, <see cref="Open"/>,
/// or closed with the waiter asleep (<see cref="Sleeping"/>).
/// </summary>
/// <remarks>
/// <para>Any thread may <see cref="Release"/>; only the owner takes (<see cref="TryTake"/>, <see cref="Take"/>), and
/// only a take closes the word again. So the owner alone moves the word off <see cref="Open"/>, a releaser only ever
/// onto it, and a wake-up is lost only if the owner stopped waiting first (a timeout that then re-checks).</para>
/// <para>The word is a pinned <see cref="int"/> the caller owns (a gate keeps it on a cache line of its own).</para>
/// </remarks>
internal readonly unsafe struct FutexWord
{
    /// <summary>No baton, nobody asleep.</summary>
    public const int Closed = 0;

    /// <summary>The baton is there for the owner to take.</summary>
    public const int Open = 1;

    /// <summary>No baton, and the owner sleeps (or is about to) in the kernel: a release must wake it.</summary>
    public const int Sleeping = 2;

    private readonly int* _address;

    /// <summary>Wraps the pinned word at <paramref name="address"/> (initially <see cref="Closed"/>).</summary>
    public FutexWord(int* address) => _address = address;

    /// <summary>Gets the word's current value.</summary>
    public int Value => Volatile.Read(ref *_address);

    /// <summary>Opens the word, waking the owner if it sleeps.</summary>
    /// <remarks>One baton per owner: the word must not be open already (in Debug builds, asserted).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Release()
    {
        int previous = Interlocked.Exchange(ref *_address, Open);
        Debug.Assert(previous is Closed or Sleeping, $"Futex word released twice (it was {previous}): two threads hold one baton.");
        if (previous == Sleeping)
        {
            Futex.WakeOne(_address);
        }
    }

    /// <summary>Takes the baton if it is there, without waiting; the owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryTake() =>
        Volatile.Read(ref *_address) == Open && Interlocked.CompareExchange(ref *_address, Closed, Open) == Open;

    /// <summary>Sleeps until the baton is there, then takes it; the owner only. False when <paramref name="timeout"/>
    /// (to the microsecond; null: none) passed first, and the word is closed again.</summary>
    public bool Take(TimeSpan? timeout)
    {
        long deadline = timeout is { } span
            ? Stopwatch.GetTimestamp() + (long)Math.Min(span.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 4)
            : long.MaxValue;
        while (true)
        {
            int state = Interlocked.CompareExchange(ref *_address, Sleeping, Closed);
            Debug.Assert(state is Closed or Open or Sleeping, $"Futex word holds {state}.");
            if (state == Open)
            {
                // Only the owner leaves Open, so this succeeds unless the word is corrupt; the loop just re-reads it.
                if (Interlocked.CompareExchange(ref *_address, Closed, Open) == Open)
                {
                    return true;
                }

                continue;
            }

            TimeSpan? remaining = null;
            if (timeout is not null)
            {
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0)
                {
                    // Give up, unless a release arrived since the last look.
                    if (Interlocked.CompareExchange(ref *_address, Closed, Sleeping) == Open)
                    {
                        Volatile.Write(ref *_address, Closed);
                        return true;
                    }

                    return false;
                }

                remaining = Stopwatch.GetElapsedTime(0, left);
            }

            Futex.Wait(_address, Sleeping, remaining);
        }
    }
}
