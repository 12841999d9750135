using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Greenlets.Internal;

internal sealed partial class GreenletCore
{
    /// <summary>
    /// The fields of a <see cref="GreenletCore"/> that both sides of a switch write: the incoming transfer, the running state
    /// and the strong reference. They sit together, padded away from everything else, so that a switch between threads on
    /// two cores moves one cache line of the core instead of every line that happens to hold one of them.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = (2 * Padding) + 48)]
    private sealed class HandoffSlot
    {
        // Wider than a cache line minus one field: no other object's bytes share a line with the fields below.
        private const int Padding = 64;

        /// <summary>The value switched in.</summary>
        [FieldOffset(Padding)]
        public object? Value;

        /// <summary>The exception thrown in, if any.</summary>
        [FieldOffset(Padding + 8)]
        public ExceptionDispatchInfo? Error;

        /// <summary>The greenlet that switched (for the tracer).</summary>
        [FieldOffset(Padding + 16)]
        public Greenlet? Origin;

        /// <summary>The strong reference held only while the greenlet runs (always, for a main).</summary>
        [FieldOffset(Padding + 24)]
        public Greenlet? Strong;

        /// <summary>The state as the switches record it (<see cref="GreenletCore.RawState"/>).</summary>
        [FieldOffset(Padding + 32)]
        public volatile GreenletState RawState;

        /// <summary>The kind of the incoming transfer (for the tracer).</summary>
        [FieldOffset(Padding + 36)]
        public GreenletTraceEvent Event;
    }
}
