// Entry of the single-file build (dist/gatehouse.cjs): runs the CLI on the process's arguments.
import { run } from './main';

void run(process.argv);
