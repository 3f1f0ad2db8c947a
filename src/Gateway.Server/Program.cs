using System.CommandLine;
using Gateway.Server.Cli;

var root = new RootCommand("MedVAE Gateway: a DICOM storage-compression gateway.")
{
    ServeCommand.Create(),
    WorkerCommand.Create(),
    DicomCommands.Create(),
    ModelsCommands.Create(),
    BenchCommands.Create(),
    AdminCommands.Create(),
    ObjectsCommands.Create(),
};

return await root.Parse(args).InvokeAsync();
