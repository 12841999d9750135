using System.Net.Sockets;

namespace Greenlets.Internal;

/// <summary>Linux's <c>SO_REUSEPORT</c>: several listening sockets on one port, the kernel spreading new connections
/// over them (by a hash of the connection's addresses).</summary>
internal static class SharedPort
{
    // <asm-generic/socket.h>: SOL_SOCKET and SO_REUSEPORT on every Linux architecture .NET runs on.
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    /// <summary>Gets whether the kernel spreads connections over the listeners of a shared port here.</summary>
    /// <remarks>Only Linux balances them; BSD and macOS accept the option but hand every connection to one listener.</remarks>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Sets <c>SO_REUSEPORT</c> on <paramref name="listener"/>, before it is bound.</summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    public static void Enable(Socket listener)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("a shared listening port (SO_REUSEPORT) balances connections on Linux only");
        }

        listener.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
    }
}
