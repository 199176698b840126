"""File formats in and out: catalogue files, Excel templates, plan documents, exports."""
