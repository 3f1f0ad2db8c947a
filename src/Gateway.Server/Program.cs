using System.CommandLine;
using Gateway.Server.Cli;

var root = new RootCommand("MedVAE Gateway: a DICOM storage-compression gateway.")
{
    DicomCommands.Create(),
};

return await root.Parse(args).InvokeAsync();
