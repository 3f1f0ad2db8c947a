using System.Net;
using System.Net.Sockets;

namespace Gateway.Dicom.Tests.Network;

/// <summary>Ports for peers that cannot be told to pick their own: the system hands out one that is free now.</summary>
internal static class FreePort
{
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
