namespace Gateway.Server.Tests.Security.Dimse;

/// <summary>
/// A throwaway certificate authority made with openssl in a temporary folder: a server certificate for localhost and
/// 127.0.0.1, client certificates it issued (CN=MODALITY in client.pem, CN=WORKSTATION, and CN=GATEWAY for the
/// gateway's own calls), and a self-signed client certificate no one trusts (deleted on dispose).
/// </summary>
public sealed class OpensslAuthority : IDisposable
{
    public OpensslAuthority()
    {
        Folder = Directory.CreateTempSubdirectory("dimse-tls-").FullName;
        Openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Gateway DIMSE Test CA", "-keyout", Path("ca.key"), "-out", AuthorityPem,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Issue("server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Issue("client", "/CN=MODALITY", "extendedKeyUsage=clientAuth\n");
        Issue("workstation", "/CN=WORKSTATION", "extendedKeyUsage=clientAuth\n");
        Issue("gateway", "/CN=GATEWAY", "extendedKeyUsage=clientAuth\n");
        Openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Rogue", "-keyout", Path("rogue.key"), "-out", Path("rogue.pem"));
    }

    public string Folder { get; }

    public string AuthorityPem => Path("ca.pem");

    public string Path(string name) => System.IO.Path.Combine(Folder, name);

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private void Issue(string name, string subject, string extensions)
    {
        File.WriteAllText(Path(name + ".ext"), extensions);
        Openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", Path(name + ".key"), "-out", Path(name + ".csr"));
        Openssl("x509", "-req", "-in", Path(name + ".csr"), "-CA", AuthorityPem, "-CAkey", Path("ca.key"), "-CAcreateserial", "-days", "2",
            "-extfile", Path(name + ".ext"), "-out", Path(name + ".pem"));
    }

    private static void Openssl(params string[] arguments) => ExternalTool.RunChecked("openssl", arguments, "openssl");
}
