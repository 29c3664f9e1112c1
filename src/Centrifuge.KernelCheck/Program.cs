// The kernel self-check's child process: one kernel setting, one result line (Runtime/KernelCheckChild).
return Centrifuge.Runtime.KernelCheckChild.Main(args);
