// The workflow bundle's entry point: every workflow type the worker registers.
export { playbookRunWorkflow } from './playbook-run.workflow';
