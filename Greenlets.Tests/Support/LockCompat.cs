// .NET 8 has no System.Threading.Lock; the tests take theirs only through `lock (x)` (see Greenlets/Platform/LockCompat.cs).
#if !NET9_0_OR_GREATER
global using Lock = System.Object;
#endif
