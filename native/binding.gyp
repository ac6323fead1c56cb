{
  "targets": [
    {
      "target_name": "page_out",
      "sources": ["page-out.c"]
    }
  ]
}
