// .NET 8 has no System.Threading.Lock (added in .NET 9). Every lock in the library is taken only through `lock (x)`, so
// on .NET 8 the name stands for a plain monitor object: the same semantics, without Lock's faster path.
#if !NET9_0_OR_GREATER
global using Lock = System.Object;

namespace Greenlets.Internal;

/// <summary>The one <c>System.Threading.Lock</c> member the library reads, over a monitor object on .NET 8.</summary>
internal static class LockCompat
{
    extension(Lock monitor)
    {
        /// <summary>Gets whether the current thread holds the monitor (Debug assertions only).</summary>
        public bool IsHeldByCurrentThread => Monitor.IsEntered(monitor);
    }
}
#endif
